import { AppError, type ChatSystemDefaultResponse } from '../../../shared/contract/index.js';
import { PROVIDER_LIST } from '../../../shared/providers/registry.js';
import type { KeyResolver, ResolvedKey } from '../ports.js';

export interface SystemDefault {
  key: ResolvedKey;
  model: string;
}

/**
 * Where "System default" comes from. Asynchronous because a source may have to ask elsewhere (a team
 * server's database or API) before it can say which model serves (DESIGN.md sections 6 and 8).
 */
export interface SystemDefaultSource {
  /** null when nothing is available. */
  resolve(): Promise<SystemDefault | null>;
}

/** The first provider, in registry order, with a key in the machine's environment, with its default model. */
export function environmentSystemDefault(keys: Pick<KeyResolver, 'environmentKey'>): SystemDefaultSource {
  return {
    async resolve() {
      for (const spec of PROVIDER_LIST) {
        const key = keys.environmentKey(spec.id);
        if (key) return { key, model: spec.defaultModel };
      }
      return null;
    },
  };
}

export function systemDefaultUnavailable(): AppError {
  const vars = PROVIDER_LIST.slice(0, 3)
    .flatMap((p) => p.envVars.slice(0, 1))
    .join(', ');
  return new AppError(
    'SYSTEM_DEFAULT_UNAVAILABLE',
    `There is no system default model: Switchboard is not connected to a team server and no provider key is set in the environment.`,
    {
      hint: `Add a key in Settings → Providers and pick one of your models, or set a provider key in the environment (${vars}, ...) and restart Switchboard.`,
    },
  );
}

/** chat.systemDefault: what "System default" resolves to now, or why it is unavailable and the fix. */
export async function describeSystemDefault(source: SystemDefaultSource): Promise<ChatSystemDefaultResponse> {
  const sd = await source.resolve();
  if (!sd) {
    const err = systemDefaultUnavailable();
    const fix = typeof err.details?.hint === 'string' ? err.details.hint : undefined;
    return { available: false, reason: err.message, ...(fix ? { fix } : {}) };
  }
  return {
    available: true,
    provider: sd.key.provider,
    model: sd.model,
    source: sd.key.source === 'team' ? 'team' : 'environment',
    keyLabel: sd.key.label,
  };
}
