import { join } from 'node:path';
import type { ChatMessage, UsageRecord } from '../../shared/contract/index.js';
import { silentLogger } from '../../electron/core/app/logger.js';
import { CatalogService } from '../../electron/core/catalog/catalog-service.js';
import { createMetering } from '../../electron/core/metering/create-metering.js';
import type { CallAdmission, KeyResolver, ModelLookup, ResolvedKey } from '../../electron/core/ports.js';
import { cachedAdapterFactory } from '../../electron/core/providers/adapters/index.js';
import { ChatRouter } from '../../electron/core/router/router.js';
import { BENCH_SECRETS, type BenchFixture, type BenchWire } from './fixture.js';
import { FirstDelta, MODELS, type Turn } from './turns.js';

/** A turn on a ChatRouter built outside the core; close() releases what it opened. */
export interface RouterPath {
  turn: Turn;
  close(): void;
}

function stubKeys(fx: BenchFixture, wire: BenchWire): { key: ResolvedKey; keys: KeyResolver } {
  const key: ResolvedKey = { id: `stub-${wire}`, provider: wire, label: 'stub', secret: BENCH_SECRETS[wire], baseUrl: fx.fake.baseUrls[wire], options: {}, source: 'user' };
  const keys: KeyResolver = {
    resolve: async () => key,
    candidates: async () => [key],
    environmentKey: () => null,
    noteUsed: () => {},
    list: async () => [],
  };
  return { key, keys };
}

const stubAdmission: CallAdmission = {
  estimatePromptTokens: async () => ({ tokens: 10, tokenizer: 'stub' }),
  admit: async () => ({
    id: 'stub-reservation',
    reservedUsd: null,
    reservedTokens: 0,
    // The router reads usage and costUsd off the record; the rest of it is the ledger's business.
    settle: async (o) => ({ usage: o.usage, costUsd: null }) as unknown as UsageRecord,
  }),
};

function routerPath(fx: BenchFixture, wire: BenchWire, messages: ChatMessage[], tag: string, admission: CallAdmission, models: ModelLookup): Turn {
  const { key, keys } = stubKeys(fx, wire);
  const first = new FirstDelta(`${tag}-`);
  const router = new ChatRouter({
    keys,
    admission,
    models,
    settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
    emit: (name, payload) => first.listen({ name, payload }),
    logger: silentLogger,
    adapters: cachedAdapterFactory(),
  });
  let n = 0;
  return async () => {
    const streamId = `${tag}-${++n}`;
    const r = await router.send({ sessionId: tag, target: { keyId: key.id, model: MODELS[wire] }, messages, stream: true, streamId });
    return { text: r.text, firstAt: first.take(streamId) };
  };
}

/**
 * The ChatRouter with its real adapters but in-memory stand-ins for everything around it: no
 * dispatcher (zod), no vault decryption, no tokenizer, no ledger, no limits. Its gap to the direct SDK
 * is the router's own streaming path (adapter generator, watchdog timer, abort wiring, events).
 */
export function stubRouterPath(fx: BenchFixture, wire: BenchWire, messages: ChatMessage[]): RouterPath {
  return { turn: routerPath(fx, wire, messages, `stub-${wire}`, stubAdmission, { find: () => null }), close: () => {} };
}

/**
 * The ChatRouter with the real catalog and metering (tokenizer, limits, ledger reserve + settle on
 * its own usage.db) but stub keys and no dispatcher. Its gap to the stub router is what metering
 * costs per turn; the gap from it to core chat.send is the dispatcher (zod) plus the keys service.
 */
export function meteredRouterPath(fx: BenchFixture, wire: BenchWire, messages: ChatMessage[]): RouterPath {
  const dir = join(fx.dir, `metering-${wire}`);
  const catalog = new CatalogService({ dataDir: dir, logger: silentLogger });
  const metering = createMetering({ dataDir: dir, logger: silentLogger, emit: () => {} });
  const turn = routerPath(fx, wire, messages, `metered-${wire}`, metering.admission, catalog);
  // Like the core's, its tokenizer worker is loaded before it is measured.
  const ready = metering.tokens.whenReady();
  return {
    turn: async () => {
      await ready;
      return turn();
    },
    close: () => void metering.close(),
  };
}
