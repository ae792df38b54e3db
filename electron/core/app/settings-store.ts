import Conf from 'conf';
import { FIRST_TOKEN_TIMEOUT_DEFAULTS, Settings, type Settings as SettingsValue } from '../../../shared/contract/index.js';

export const DEFAULT_SETTINGS: SettingsValue = {
  keyFailover: true,
  fallbackToSystemDefault: false,
  credentialChangesPerHour: 10,
  onlinePriceUpdates: false,
  urlAllowList: [],
  firstTokenTimeoutSec: FIRST_TOKEN_TIMEOUT_DEFAULTS.cloud,
  localFirstTokenTimeoutSec: FIRST_TOKEN_TIMEOUT_DEFAULTS.local,
};

/** App settings in `<dataDir>/settings.json`: atomic writes (temp, fsync, rename), mode 0600. */
export class SettingsStore {
  private readonly conf: Conf<{ settings: SettingsValue }>;
  private readonly listeners = new Set<(s: SettingsValue) => void>();
  private cached: SettingsValue | null = null;

  constructor(dataDir: string) {
    this.conf = new Conf<{ settings: SettingsValue }>({
      cwd: dataDir,
      configName: 'settings',
      configFileMode: 0o600,
      defaults: { settings: DEFAULT_SETTINGS },
      // Settings are read once and written rarely; a watcher would only add file handles.
      watch: false,
    });
  }

  /** Read from the file once (conf reads and parses it on every access), then kept until set(). A copy each call. */
  get(): SettingsValue {
    if (!this.cached) {
      const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...this.conf.get('settings') });
      this.cached = parsed.success ? parsed.data : DEFAULT_SETTINGS;
    }
    return { ...this.cached, urlAllowList: [...this.cached.urlAllowList] };
  }

  set(patch: Partial<SettingsValue>): SettingsValue {
    const next = Settings.parse({ ...this.get(), ...patch });
    // Dropped first: if the write fails, the next get() reads what the file really holds.
    this.cached = null;
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
