import { z } from 'zod';

/** How the vault's data key is protected on this machine. */
export const ProtectionKind = z.enum(['os-keychain', 'passphrase', 'session-only']);
export type ProtectionKind = z.infer<typeof ProtectionKind>;

export const VaultStatus = z.object({
  protection: ProtectionKind,
  /** e.g. "gnome_libsecret", "keychain", "dpapi", "scrypt", "memory" */
  backend: z.string(),
  /** Whether keys survive a restart. */
  persistent: z.boolean(),
  /** A vault exists on disk but cannot be opened yet (passphrase needed). */
  locked: z.boolean(),
  /** Plain words for the Settings and About panels. */
  summary: z.string(),
  /** Set when the user should act (weak keyring, session-only, backend changed). */
  warning: z.string().optional(),
  /** What the user can do about it. */
  actions: z.array(z.enum(['set-passphrase', 'unlock', 'use-session-only', 'reset-vault'])).default([]),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  transport: z.enum(['electron', 'web']),
  platform: z.string(),
  vault: VaultStatus,
  catalogCheckedAt: z.string().optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** An http(s) address without credentials, query or fragment: what the URL tool may read under. */
export const UrlPrefix = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'an http:// or https:// address without user, query or fragment');
/** Seconds to wait for a model's first token: cloud providers answer fast; a local server may first load the model. */
export const FIRST_TOKEN_TIMEOUT_DEFAULTS = { cloud: 30, local: 120 } as const;
const FirstTokenSeconds = z.number().int().min(5).max(900);

export const Settings = z.object({
  /** Fail over to the provider's next key on auth/quota errors. */
  keyFailover: z.boolean(),
  /** Let a failed own-key turn fall back to the system default model. */
  fallbackToSystemDefault: z.boolean(),
  /** Credential changes allowed per provider per hour. */
  credentialChangesPerHour: z.number().int().min(1).max(1000),
  /**
   * Fetch models.dev's current prices at most daily (models.updatePrices). Off by default: the app
   * contacts no one but the providers the user set up unless asked to.
   */
  onlinePriceUpdates: z.boolean(),
  /**
   * Addresses the "read a URL" tool may fetch: an origin (`https://example.com`) allows the whole
   * site, a longer prefix (`https://example.com/docs/`) only what is under it.
   */
  urlAllowList: z.array(UrlPrefix).max(200),
  /** Seconds a cloud provider may take to send the first token before the turn moves on. */
  firstTokenTimeoutSec: FirstTokenSeconds,
  /** The same for local and OpenAI-compatible servers (they may load the model first). */
  localFirstTokenTimeoutSec: FirstTokenSeconds,
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
