import { randomBytes } from 'node:crypto';
import type { ProtectionKind } from '../../../shared/contract/index.js';
import type { KeyWrapper, WrappedKey } from './key-wrapper.js';

export interface MemoryWrapperOptions {
  kind?: ProtectionKind;
  backend?: string;
  persistent?: boolean;
  weakReason?: string;
}

/**
 * Keeps data keys in this process only. As the session-only wrapper it is never persisted; in tests it
 * stands in for an OS keychain (`{kind: 'os-keychain', backend: 'gnome_libsecret', persistent: true}`):
 * the same instance is "the same keychain" across a simulated restart, a new instance is a reset one.
 */
export class MemoryKeyWrapper implements KeyWrapper {
  readonly kind: ProtectionKind;
  readonly backend: string;
  readonly persistent: boolean;
  readonly weakReason?: string;
  private readonly store = new Map<string, Buffer>();

  constructor(options: MemoryWrapperOptions = {}) {
    this.kind = options.kind ?? 'session-only';
    this.backend = options.backend ?? 'memory';
    this.persistent = options.persistent ?? false;
    if (options.weakReason !== undefined) this.weakReason = options.weakReason;
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const handle = randomBytes(16).toString('base64');
    this.store.set(handle, Buffer.from(dataKey));
    return { kind: this.kind, backend: this.backend, blob: handle };
  }

  async unwrap(wrapped: WrappedKey): Promise<{ dataKey: Buffer; shouldRewrap: boolean }> {
    const key = wrapped.kind === this.kind && wrapped.backend === this.backend ? this.store.get(wrapped.blob) : undefined;
    if (!key) throw new Error('This keychain does not hold the key for these saved keys.');
    return { dataKey: Buffer.from(key), shouldRewrap: false };
  }
}
