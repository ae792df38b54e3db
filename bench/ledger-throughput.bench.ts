import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LimitsPatch } from '../shared/contract/index.js';
import { silentLogger } from '../electron/core/app/logger.js';
import { CatalogService } from '../electron/core/catalog/catalog-service.js';
import { createMetering, type Metering } from '../electron/core/metering/create-metering.js';
import type { AdmitRequest, Reservation } from '../electron/core/ports.js';
import { machineRow } from './lib/machine.js';
import { percentile } from './lib/stats.js';
import type { Bench, BenchRow } from './lib/types.js';
import { benchTempDir, sharedUsageDb } from './lib/usage-db.js';

const BENCH = 'ledger throughput';
const N = 10_000;
const WARMUP = 1_000;
const IN_FLIGHT = 64;

const KEYS = { openai: 'bench-key-openai', anthropic: 'bench-key-anthropic' } as const;
const MODELS = { openai: 'gpt-5.4-mini', anthropic: 'claude-haiku-4-5' } as const;
const USAGE = { inputTokens: 1_200, cacheReadTokens: 800, cacheWriteTokens: 0, outputTokens: 350, reasoningTokens: 0, estimated: false };

// High enough never to refuse: the cost measured is checking them, not being stopped by them.
const LIMITS: LimitsPatch = {
  dailyTokens: { provider: { openai: 1e13, anthropic: 1e13 }, key: { [KEYS.openai]: 1e13 } },
  monthlyUsd: { total: 1e9 },
};

interface Timings {
  admitUs: number[];
  settleUs: number[];
  wallMs: number;
}

function requests(catalog: CatalogService): (i: number) => AdmitRequest {
  const pricing = {
    openai: catalog.find('openai', MODELS.openai)?.pricing ?? null,
    anthropic: catalog.find('anthropic', MODELS.anthropic)?.pricing ?? null,
  };
  return (i) => {
    const provider: 'openai' | 'anthropic' = i % 3 === 0 ? 'anthropic' : 'openai';
    return {
      sessionId: `bench-session-${i % 8}`,
      agent: i % 4 === 0 ? 'coder' : null,
      provider,
      model: MODELS[provider],
      keyId: KEYS[provider],
      source: 'user',
      promptTokens: 2_000,
      maxOutputTokens: 16_384,
      pricing: pricing[provider],
      attempt: 1,
      kind: 'first',
      retryOf: null,
      fallbackOf: null,
      replacedKeyId: null,
    };
  };
}

const us = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1000;

/** `n` calls, `inFlight` admitted before the first of them is settled (1: one call at a time, as a single chat). */
async function run(metering: Metering, request: (i: number) => AdmitRequest, n: number, inFlight: number): Promise<Timings> {
  const admitUs: number[] = [];
  const settleUs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i += inFlight) {
    const open: Reservation[] = [];
    for (let j = i; j < Math.min(n, i + inFlight); j++) {
      const t0 = process.hrtime.bigint();
      open.push((await metering.admission.admit(request(j))));
      admitUs.push(us(t0));
    }
    for (const r of open) {
      const t0 = process.hrtime.bigint();
      (await r.settle({ status: 'ok', usage: USAGE, errorCode: null, latencyMs: 1_800, ttftMs: 350 }));
      settleUs.push(us(t0));
    }
  }
  return { admitUs, settleUs, wallMs: performance.now() - started };
}

async function measure(dataDir: string, limits: boolean, inFlight: number): Promise<Timings> {
  const catalog = new CatalogService({ dataDir, logger: silentLogger });
  const metering = createMetering({ dataDir, logger: silentLogger, emit: () => {} });
  try {
    if (limits) metering.admission.setLimits(LIMITS);
    const request = requests(catalog);
    await run(metering, request, WARMUP, inFlight);
    return await run(metering, request, N, inFlight);
  } finally {
    await metering.close();
  }
}

function row(label: string, t: Timings): BenchRow {
  const total = t.admitUs.map((a, i) => a + (t.settleUs[i] ?? 0));
  return {
    bench: BENCH,
    case: label,
    values: {
      'calls/s': (total.length / t.wallMs) * 1000,
      'p50 µs': percentile(total, 50),
      'p99 µs': percentile(total, 99),
      'admit p50 µs': percentile(t.admitUs, 50),
      'settle p50 µs': percentile(t.settleUs, 50),
      n: total.length,
    },
  };
}

/**
 * Ledger writes through the router's real admission path (MeteringAdmission.admit → Reservation.settle
 * on usage.db, WAL, synchronous=NORMAL): each call is a reservation INSERT, then one transaction with
 * the settling UPDATE and the two rollup upserts. Limits add their checks (each admit checks twice,
 * each settle once) and the scan of running calls.
 */
const bench: Bench = {
  name: 'ledger-throughput',
  about: `admit + settle through MeteringAdmission on a real usage.db, ${N} calls per case after ${WARMUP} warm-up`,
  async run() {
    const rows: BenchRow[] = [machineRow(BENCH)];
    const fresh = () => {
      const dir = join(benchTempDir('ledger-'), 'data');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    };
    rows.push(row('empty ledger, no limits, 1 call at a time', await measure(fresh(), false, 1)));
    rows.push(row('empty ledger, limits: daily tokens (2 providers, 1 key) + monthly USD', await measure(fresh(), true, 1)));
    rows.push(row(`empty ledger, same limits, ${IN_FLIGHT} calls in flight`, await measure(fresh(), true, IN_FLIGHT)));
    // The same on a copy of the million-call ledger: deeper indexes, a page cache that no longer holds them.
    const big = sharedUsageDb();
    const dir = fresh();
    copyFileSync(join(big.dataDir, 'usage.db'), join(dir, 'usage.db'));
    rows.push(row(`ledger with ${(big.rows / 1e6).toFixed(0)}M calls, same limits, 1 call at a time`, await measure(dir, true, 1)));
    return rows;
  },
};
export default bench;
