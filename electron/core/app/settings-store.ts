import Conf from 'conf';
import { z } from 'zod';
import { FIRST_TOKEN_TIMEOUT_DEFAULTS, Settings, type Settings as SettingsValue } from '../../../shared/contract/index.js';
import { readJsonOrSetAside } from '../fs/json-file.js';
import { FileNotices } from './file-notices.js';
import { silentLogger } from './logger.js';

export const DEFAULT_SETTINGS: SettingsValue = {
  keyFailover: true,
  fallbackToSystemDefault: false,
  credentialChangesPerHour: 10,
  onlinePriceUpdates: false,
  urlAllowList: [],
  firstTokenTimeoutSec: FIRST_TOKEN_TIMEOUT_DEFAULTS.cloud,
  localFirstTokenTimeoutSec: FIRST_TOKEN_TIMEOUT_DEFAULTS.local,
};

const FILE = 'settings.json';
// What conf writes: { settings: {...} }. Fields added by later versions are filled from the defaults.
const FileShape = z.object({ settings: z.record(z.string(), z.unknown()).optional() }).transform((f, ctx) => {
  const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...f.settings });
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'settings out of range' });
    return z.NEVER;
  }
  return parsed.data;
});

export interface SettingsStoreOptions {
  /** Where a damaged settings.json is reported. */
  notices?: FileNotices;
  now?: () => number;
}

/** App settings in `<dataDir>/settings.json`: atomic writes (temp, fsync, rename), mode 0600. */
export class SettingsStore {
  private readonly conf: Conf<{ settings: SettingsValue }>;
  private readonly listeners = new Set<(s: SettingsValue) => void>();
  private cached: SettingsValue;

  constructor(dataDir: string, options: SettingsStoreOptions = {}) {
    // Checked before conf opens it: conf throws on a file it cannot parse (the app then would not
    // start) and would overwrite one it can parse but not use. A damaged file is moved aside and the
    // app starts with the defaults.
    const stored = readJsonOrSetAside(dataDir, FILE, FileShape, {
      notices: options.notices ?? new FileNotices(silentLogger),
      now: options.now ?? Date.now,
      outcome: 'Settings are back to their defaults; change them in Settings.',
    });
    this.conf = new Conf<{ settings: SettingsValue }>({
      cwd: dataDir,
      configName: 'settings',
      configFileMode: 0o600,
      defaults: { settings: DEFAULT_SETTINGS },
      // Settings are read once and written rarely; a watcher would only add file handles.
      watch: false,
    });
    this.cached = stored ?? DEFAULT_SETTINGS;
  }

  /** Read from the file once at start, then kept until set(). A copy each call. */
  get(): SettingsValue {
    return { ...this.cached, urlAllowList: [...this.cached.urlAllowList] };
  }

  set(patch: Partial<SettingsValue>): SettingsValue {
    const next = Settings.parse({ ...this.cached, ...patch });
    this.conf.set('settings', next);
    this.cached = next;
    for (const l of this.listeners) l({ ...next, urlAllowList: [...next.urlAllowList] });
    return { ...next, urlAllowList: [...next.urlAllowList] };
  }

  onChange(listener: (s: SettingsValue) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
