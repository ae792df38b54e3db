import type { AnyEvent, Pricing, ProviderId, Usage } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { CatalogService } from '../../../electron/core/catalog/catalog-service.js';
import { createMetering, type Metering } from '../../../electron/core/metering/create-metering.js';
import type { AdmitRequest } from '../../../electron/core/ports.js';
import { tempDir } from '../../helpers/temp-dir.js';

export interface Rig {
  dir: string;
  metering: Metering;
  catalog: CatalogService;
  events: AnyEvent[];
  clock: { now: number };
  reopen(): Rig;
  cleanup(): void;
}

/** Metering in a temp data dir with an injected clock and machine zone. */
export function rig(options: { now?: number; zone?: string; dir?: string; countTimeoutMs?: number } = {}): Rig {
  const owned = options.dir ? null : tempDir('sb-meter-');
  const dir = options.dir ?? owned!.path;
  const clock = { now: options.now ?? Date.UTC(2026, 5, 15, 12, 0) };
  const events: AnyEvent[] = [];
  const catalog = new CatalogService({ dataDir: dir, logger: silentLogger, now: () => clock.now });
  const metering = createMetering({
    dataDir: dir,
    logger: silentLogger,
    emit: (name, payload) => events.push({ name, payload } as AnyEvent),
    now: () => clock.now,
    machineZone: () => options.zone ?? 'UTC',
    ...(options.countTimeoutMs !== undefined ? { countTimeoutMs: options.countTimeoutMs } : {}),
  });
  const self: Rig = {
    dir,
    metering,
    catalog,
    events,
    clock,
    reopen: () => {
      metering.close();
      return rig({ now: clock.now, zone: options.zone ?? 'UTC', dir });
    },
    cleanup: () => {
      try {
        metering.close();
      } catch {
        // already closed
      }
      owned?.cleanup();
    },
  };
  return self;
}

export const PRICE: Pricing = { input: 2, output: 10, cacheRead: 0.5, cacheWrite: 2.5 };

export function admitRequest(over: Partial<AdmitRequest> = {}): AdmitRequest {
  return {
    sessionId: 's1',
    agent: null,
    provider: 'openai' as ProviderId,
    model: 'test-model',
    keyId: 'k1',
    source: 'user',
    promptTokens: 100,
    maxOutputTokens: 100,
    pricing: PRICE,
    attempt: 1,
    kind: 'first',
    retryOf: null,
    fallbackOf: null,
    replacedKeyId: null,
    ...over,
  };
}

export function usage(over: Partial<Usage> = {}): Usage {
  return { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: false, ...over };
}

export function ok(u: Partial<Usage>) {
  return { status: 'ok' as const, usage: usage(u), latencyMs: 120, ttftMs: 40 };
}
