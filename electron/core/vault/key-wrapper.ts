import type { ProtectionKind } from '../../../shared/contract/index.js';

/** What the vault file records about how its data key is wrapped. */
export interface WrappedKey {
  kind: ProtectionKind;
  /** e.g. "gnome_libsecret", "keychain", "dpapi", "scrypt" */
  backend: string;
  /** base64 of the wrapped 32-byte data key */
  blob: string;
  /** Wrapper parameters that are not secret (scrypt salt and costs). */
  params?: Record<string, string | number>;
}

/**
 * Protects the vault's random data key. Implementations: the OS keychain through Electron's
 * safeStorage (electron/main), a passphrase (scrypt), and memory (session-only, tests).
 */
export interface KeyWrapper {
  readonly kind: ProtectionKind;
  readonly backend: string;
  /** false: keys must not be written to disk (session-only). */
  readonly persistent: boolean;
  /** Set when this wrapper gives no real protection (Linux basic_text); the vault refuses to persist under it. */
  readonly weakReason?: string;
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  /** Throws when the blob cannot be opened (wrong passphrase, keychain changed). */
  unwrap(wrapped: WrappedKey): Promise<{ dataKey: Buffer; shouldRewrap: boolean }>;
}
