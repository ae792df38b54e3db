import type { KeyInfo, ProviderInfo } from '../../../shared/contract/index.js';
import { PROVIDER_LIST } from '../../../shared/providers/registry.js';
import type { PartialHandlers } from '../app/handlers.js';
import type { KeyResolver } from '../ports.js';
import type { ChatRouter } from './router.js';
import { describeSystemDefault } from './system-default.js';

/** chat.send and chat.estimate are served by the agents area (electron/core/agents), which applies an agent before the router runs the turn. */
type RouterMethods = 'chat.cancel' | 'chat.skip' | 'chat.systemDefault' | 'sessions.open' | 'sessions.close' | 'sessions.list' | 'providers.list';

/** The contract methods the router serves. */
export function routerHandlers(router: ChatRouter, keys: Pick<KeyResolver, 'list' | 'environmentKey'>): PartialHandlers<RouterMethods> {
  return {
    'chat.cancel': (req) => ({ cancelled: router.cancel(req) }),
    'chat.skip': (req) => ({ skipped: router.skip(req.streamId) }),
    'chat.systemDefault': () => describeSystemDefault(router.systemDefault),
    'sessions.open': (req) => ({ session: router.sessions.open(req) }),
    'sessions.close': (req) => ({ closed: router.sessions.close(req.sessionId) }),
    'sessions.list': () => ({ sessions: router.sessions.list() }),
    'providers.list': async () => ({ providers: providerInfos(await keys.list(), keys, router) }),
  };
}

/** Registry data, key counts and health per provider and key. */
export function providerInfos(list: KeyInfo[], keys: Pick<KeyResolver, 'environmentKey'>, router: Pick<ChatRouter, 'health'>): ProviderInfo[] {
  return PROVIDER_LIST.map((spec) => {
    const mine = list.filter((k) => k.provider === spec.id);
    const own = mine.filter((k) => k.source !== 'environment');
    const hasEnvironmentKey = mine.some((k) => k.source === 'environment') || keys.environmentKey(spec.id) !== null;
    const keyHealth: ProviderInfo['keyHealth'] = {};
    for (const k of mine) keyHealth[k.id] = router.health.key(k.id);
    return {
      id: spec.id,
      name: spec.name,
      wire: spec.wire,
      defaultBaseUrl: spec.defaultBaseUrl,
      keyRequired: spec.keyRequired,
      keyHint: spec.keyHint,
      docsUrl: spec.docsUrl,
      envVars: spec.envVars,
      configured: own.length > 0 || hasEnvironmentKey,
      keyCount: own.length,
      hasEnvironmentKey,
      health: router.health.provider(spec.id),
      keyHealth,
    };
  });
}
