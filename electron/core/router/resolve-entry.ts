import { AppError, type ChatTarget, type ProviderId } from '../../../shared/contract/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { ResolvedKey } from '../ports.js';
import type { RouterRuntime } from './runtime.js';
import { systemDefaultUnavailable } from './system-default.js';
import type { ResolvedEntry } from './turn.js';

/**
 * Which provider, model and keys a target stands for. `forTurn` prefers a key that is not cooling
 * down (an estimate only wants the provider and model).
 */
export async function resolveTarget(rt: RouterRuntime, t: ChatTarget, forTurn: boolean): Promise<ResolvedEntry> {
  let provider: ProviderId;
  let model: string;
  let keys: ResolvedKey[];
  if ('system' in t) {
    const sd = await rt.systemDefault.resolve();
    if (!sd) throw systemDefaultUnavailable();
    provider = sd.key.provider;
    model = sd.model;
    keys = [sd.key];
  } else if ('keyId' in t) {
    const key = await rt.deps.keys.resolve(t.keyId);
    provider = key.provider;
    model = t.model;
    keys = [key];
  } else {
    provider = t.provider;
    model = t.model;
    const candidates = await rt.deps.keys.candidates(provider);
    if (candidates.length === 0) throw noKeyFor(provider);
    // The provider's first key, unless it is cooling down and another is not; the rest serve key failover.
    const healthy = forTurn ? candidates.find((c) => !rt.health.isCoolingDown(c.id)) : undefined;
    keys = healthy ? [healthy, ...candidates.filter((c) => c !== healthy)] : candidates;
  }
  return { provider, model, keys, info: rt.deps.models.find(provider, model) };
}

function noKeyFor(provider: ProviderId): AppError {
  const spec = providerSpec(provider);
  return new AppError('KEY_NOT_FOUND', `No ${spec.name} key is set up.`, {
    provider,
    hint: `Add a ${spec.name} key in Settings → Providers${spec.envVars[0] ? ` (or set ${spec.envVars[0]})` : ''}, or pick another model.`,
  });
}
