import { useMemo } from 'react';
import type { ChatSystemDefaultResponse, ModelInfo, ProviderId, TeamStatus } from '../../../../shared/contract/index.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { buildProviderGroups, type PickerGroups } from './model-options.js';

export interface PickerData {
  groups: PickerGroups | undefined;
  systemDefault: ChatSystemDefaultResponse | undefined;
  /** The team connection: its allowed models appear beside the member's own. */
  team: TeamStatus | undefined;
  /** The first failure of the three calls, while nothing could be shown. */
  error: unknown;
  loading: boolean;
  reload(): void;
}

const KEY_EVENTS = ['keys.changed', 'vault.changed', 'team.changed'] as const;
/** OpenRouter's list arrives in the background after its key is added; an online price update too. */
const CATALOG_EVENTS = ['models.changed'] as const;

/** Keys, the catalog and the system default: everything the model picker lists. */
export function usePickerData(): PickerData {
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: KEY_EVENTS });
  const models = useBridgeQuery('models.list', {}, { refreshOn: CATALOG_EVENTS });
  const sd = useBridgeQuery('chat.systemDefault', {}, { refreshOn: KEY_EVENTS });
  const team = useBridgeQuery('team.status', {}, { refreshOn: ['team.changed'] });
  const groups = useMemo(
    () => (keys.data && models.data ? buildProviderGroups(keys.data.keys, models.data.models) : undefined),
    [keys.data, models.data],
  );
  const error = groups ? undefined : (keys.error ?? models.error);
  return {
    groups,
    systemDefault: sd.data,
    team: team.data,
    error,
    loading: groups === undefined && error === undefined,
    reload: () => {
      keys.reload();
      models.reload();
      sd.reload();
      team.reload();
    },
  };
}

/** The catalog entry of one model (limits, prices), or null when the catalog does not know it. */
export function useModelInfo(provider: ProviderId | null, model: string | null): ModelInfo | null | undefined {
  const models = useBridgeQuery('models.list', provider ? { provider } : {}, { enabled: provider !== null && model !== null });
  if (provider === null || model === null) return null;
  if (!models.data) return models.error ? null : undefined;
  return models.data.models.find((m) => m.id === model) ?? null;
}
