import Conf from 'conf';
import { Settings, type Settings as SettingsValue } from '../../../shared/contract/index.js';

export const DEFAULT_SETTINGS: SettingsValue = {
  keyFailover: true,
  fallbackToSystemDefault: false,
  credentialChangesPerHour: 10,
};

/** App settings in `<dataDir>/settings.json`: atomic writes (temp, fsync, rename), mode 0600. */
export class SettingsStore {
  private readonly conf: Conf<{ settings: SettingsValue }>;
  private readonly listeners = new Set<(s: SettingsValue) => void>();

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

  get(): SettingsValue {
    const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...this.conf.get('settings') });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  set(patch: Partial<SettingsValue>): SettingsValue {
    const next = Settings.parse({ ...this.get(), ...patch });
    this.conf.set('settings', next);
    for (const l of this.listeners) l(next);
    return next;
  }

  onChange(listener: (s: SettingsValue) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
