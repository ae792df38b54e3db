import type { FileNotice, VaultStatus } from '../../../shared/contract/index.js';
import type { PartialHandlers } from './handlers.js';
import type { SettingsStore } from './settings-store.js';

export interface AppHandlerDeps {
  dataDir: string;
  version: string;
  transport: 'electron' | 'web';
  settings: SettingsStore;
  vaultStatus: () => VaultStatus;
  catalogCheckedAt: () => string | undefined;
  /** Damaged files found in the data folder. */
  notices: () => FileNotice[];
}

export function appHandlers(deps: AppHandlerDeps): PartialHandlers<'app.info' | 'settings.get' | 'settings.set'> {
  return {
    'app.info': () => {
      const checked = deps.catalogCheckedAt();
      return {
        name: 'Switchboard',
        version: deps.version,
        dataDir: deps.dataDir,
        transport: deps.transport,
        platform: `${process.platform}-${process.arch}`,
        vault: deps.vaultStatus(),
        ...(checked ? { catalogCheckedAt: checked } : {}),
        notices: deps.notices(),
      };
    },
    'settings.get': () => deps.settings.get(),
    'settings.set': (patch) => deps.settings.set(patch),
  };
}
