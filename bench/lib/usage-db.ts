// A usage.db with 1,000,000 settled calls over 90 days, built once per bench run and shared by the
// usage-query and csv-export benches (and copied by ledger-throughput). Removed when the run exits.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pricing, ProviderId } from '../../shared/contract/index.js';
import { CATALOG } from '../../shared/catalog/index.js';
import { PriceSnapshot, type PricingTier } from '../../shared/pricing/index.js';
import { silentLogger } from '../../electron/core/app/logger.js';
import { LimitsStore } from '../../electron/core/limits/limits-store.js';
import { openDb } from '../../electron/core/metering/db.js';
import { Ledger } from '../../electron/core/metering/ledger.js';
import { migrate, MIGRATIONS } from '../../electron/core/metering/migrations.js';
import { rng } from '../../tests/helpers/random.js';
import type { BenchRow } from './types.js';

export const USAGE_ROWS = 1_000_000;
export const USAGE_DAYS = 90;
/** The limits time zone stored in the generated ledger; its day rollup is kept in this zone. */
export const LIMITS_ZONE = 'America/New_York';
/** 2026-08-25 00:00 to 2026-11-23 00:00 in New York: 90 whole local days, with the EU (Oct 25) and US (Nov 1) DST changes inside. */
export const FIRST_DAY = '2026-08-25';
export const LAST_DAY = '2026-11-22';
export const FROM_MS = Date.parse('2026-08-25T00:00:00-04:00');
export const TO_MS = Date.parse('2026-11-23T00:00:00-05:00');

/** Distinct call shapes drawn in JS; the million rows cycle through them with their own time, id and session. */
const TEMPLATES = 20_000;

export interface UsageDb {
  /** A data dir holding usage.db (open it with createMetering / createCore / Ledger.open). */
  dataDir: string;
  rows: number;
  /** Key id → label, as the keys service would give the CSV export. */
  keyLabels: Map<string, string>;
  /** ms to build it in this process, null when another bench of this run built it. */
  buildMs: number | null;
  /** How the build time split up. */
  /** calls: the INSERT; migrations: the backfills of migrations 2 and 3 (rollup_q, rollup_session_day); localDays: rollup_day and rollup_agent_day in the limits zone. */
  phases: { callsMs: number; migrationsMs: number; localDaysMs: number };
  fileMb: number;
  /** Rows in the rollups, for reading the query plans. */
  rollupRows: { quarter: number; day: number; agentDay: number; sessionDay: number };
}

function weighted<T>(rand: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  let x = rand() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

interface ModelPick {
  provider: ProviderId;
  model: string;
  pricing: Pricing | null;
  tiers: PricingTier[] | null;
  maxOutput: number;
}

const PROVIDER_WEIGHTS: ReadonlyArray<readonly [ProviderId, number]> = [
  ['openai', 28],
  ['anthropic', 24],
  ['gemini', 14],
  ['openrouter', 8],
  ['deepseek', 6],
  ['azure', 5],
  ['mistral', 4],
  ['groq', 4],
  ['xai', 3],
  ['together', 2],
  ['openai-compatible', 2],
];

/** 3 catalog models per provider (weights 6:3:1), plus one unpriced local model: ~30 models, 11 providers. */
function models(): Map<ProviderId, Array<readonly [ModelPick, number]>> {
  const out = new Map<ProviderId, Array<readonly [ModelPick, number]>>();
  for (const [provider] of PROVIDER_WEIGHTS) {
    if (provider === 'openai-compatible') {
      out.set(provider, [[{ provider, model: 'llama3.2:3b', pricing: null, tiers: null, maxOutput: 8192 }, 1]]);
      continue;
    }
    const picks = CATALOG.filter((m) => m.provider === provider)
      .slice(0, 3)
      .map((m, i) => [{ provider, model: m.id, pricing: m.pricing, tiers: m.pricingTiers ?? null, maxOutput: Math.min(m.maxOutputTokens ?? 8192, 16_384) }, [6, 3, 1][i]!] as const);
    if (picks.length === 0) throw new Error(`the catalog has no ${provider} model`);
    out.set(provider, picks);
  }
  return out;
}

function keysOf(): { byProvider: Map<ProviderId, string[]>; labels: Map<string, string> } {
  const byProvider = new Map<ProviderId, string[]>();
  const labels = new Map<string, string>();
  for (const [provider] of PROVIDER_WEIGHTS) {
    const n = provider === 'openai' || provider === 'anthropic' ? 2 : 1;
    const ids: string[] = [];
    for (let k = 1; k <= n; k++) {
      const id = `0b7e${String(ids.length + byProvider.size * 2).padStart(4, '0')}-bench-4key-8000-${provider.replace(/[^a-z]/g, '').slice(0, 12).padEnd(12, '0')}`;
      ids.push(id);
      // One label with a comma and quotes, so the CSV writer quotes some rows as it would for real users.
      labels.set(id, k === 1 && provider === 'openai' ? 'Work, "main"' : `${provider} ${k === 1 ? 'personal' : 'team'}`);
    }
    byProvider.set(provider, ids);
  }
  return { byProvider, labels };
}

const TEMPLATE_COLUMNS = [
  'agent', 'provider', 'model', 'key_id', 'source', 'status', 'error_code',
  'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'estimated',
  'cost_nusd', 'priced', 'price_input', 'price_output', 'price_cache_read', 'price_cache_write', 'price_tiers',
  'prompt_estimate', 'max_output_tokens', 'reserved_tokens', 'reserved_nusd', 'latency_ms', 'ttft_ms', 'attempt', 'fallback_of',
] as const;

/** One call shape: what the ledger holds for a settled call, minus its id, time, session and settle time. */
function templateRow(rand: () => number, picks: ReturnType<typeof models>, keys: Map<ProviderId, string[]>): unknown[] {
  const provider = weighted(rand, PROVIDER_WEIGHTS);
  const m = weighted(rand, picks.get(provider)!);
  const env = (provider === 'openai' || provider === 'anthropic' || provider === 'gemini') && rand() < 0.05;
  const providerKeys = keys.get(provider)!;
  const keyId = env ? `env:${provider}` : providerKeys[Math.floor(rand() * providerKeys.length)]!;
  const agent = weighted<string | null>(rand, [[null, 55], ['coder', 20], ['researcher', 12], ['reviewer', 8], ['planner', 5]]);
  const status = weighted(rand, [['ok', 935], ['error', 40], ['cancelled', 20], ['interrupted', 5]] as const);

  const prompt = 200 + Math.floor(rand() ** 3 * 60_000);
  const promptEstimate = Math.round(prompt * (0.97 + rand() * 0.09));
  let input = prompt;
  let cacheRead = 0;
  let cacheWrite = 0;
  if ((provider === 'openai' || provider === 'anthropic' || provider === 'gemini') && rand() < 0.4) {
    cacheRead = Math.floor(prompt * 0.8);
    input -= cacheRead;
  }
  if (provider === 'anthropic' && rand() < 0.1) {
    cacheWrite = Math.floor(input * 0.5);
    input -= cacheWrite;
  }
  let output = 20 + Math.floor(rand() ** 2 * 3000);
  let reasoning = (provider === 'openai' || provider === 'xai' || provider === 'deepseek') && rand() < 0.3 ? Math.floor(output * 0.6) : 0;
  let estimated = rand() < 0.01;
  let errorCode: string | null = null;
  let latency: number | null = 300 + Math.floor(rand() ** 2 * 40_000);
  let ttft: number | null = 150 + Math.floor(rand() * 1500);
  if (status === 'error') {
    input = cacheRead = cacheWrite = output = reasoning = 0;
    estimated = false;
    errorCode = weighted(rand, [['RATE_LIMITED', 5], ['PROVIDER_ERROR', 3], ['TIMEOUT', 1], ['CONTEXT_TOO_LONG', 1]] as const);
    latency = 100 + Math.floor(rand() * 5000);
    ttft = null;
  } else if (status === 'cancelled') {
    output = Math.floor(output * rand());
    reasoning = Math.min(reasoning, output);
    estimated = true;
  } else if (status === 'interrupted') {
    input = promptEstimate;
    cacheRead = cacheWrite = output = reasoning = 0;
    estimated = true;
    errorCode = 'INTERRUPTED';
    latency = ttft = null;
  }
  const usage = { inputTokens: input, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, outputTokens: output, reasoningTokens: reasoning, estimated };
  // As the ledger settles: the snapshot's tier for the actual prompt, cost from it; reserved from the estimate.
  const prices = new PriceSnapshot(m.pricing, m.tiers);
  const settled = prices.settle(usage);
  const settledPricing = settled.pricing;
  const cost = settled.nano;
  const reservedNano = prices.reserveNano(promptEstimate, m.maxOutput);
  const attempt = weighted(rand, [[1, 970], [2, 25], [3, 5]] as const);
  const fallbackOf = rand() < 0.01 ? '019a0000-0000-7000-8000-000000000000' : null;
  return [
    agent, provider, m.model, keyId, env ? 'environment' : 'user', status, errorCode,
    input, cacheRead, cacheWrite, output, reasoning, estimated ? 1 : 0,
    cost, settledPricing ? 1 : 0, settledPricing?.input ?? null, settledPricing?.output ?? null, settledPricing?.cacheRead ?? null, settledPricing?.cacheWrite ?? null,
    m.tiers && m.tiers.length > 0 ? JSON.stringify(m.tiers) : null,
    promptEstimate, m.maxOutput, promptEstimate + m.maxOutput, reservedNano, latency, ttft, attempt, fallbackOf,
  ];
}

/**
 * Builds <dataDir>/usage.db the way a ledger that grew to a million calls looks:
 *  1. schema v1 (calls), then every call in one INSERT … SELECT: 20,000 call shapes drawn in JS (seeded;
 *     costs and reservations by shared/cost.ts exactly as Ledger.settle computes them) cycled over
 *     1,000,000 rows in SQL, each with its own time (ascending with seq, as admission writes them),
 *     UUIDv7-shaped id and session. Binding 32 parameters per row through libsql costs ~13 µs; this
 *     costs ~6 µs a row, nearly all of it SQLite's own insert and index work.
 *  2. migrate() to the newest schema: migrations 2 and 3 fill rollup_q and rollup_session_day
 *     from the calls with the same sums the ledger's triggers add per settled call (a ledger upgraded
 *     with its history). The calls are inserted before migration 3 adds those triggers.
 *  3. Ledger.open + LimitsStore.set({timeZone}): the ledger builds rollup_day and rollup_agent_day
 *     from rollup_q in the limits zone, as it does whenever that zone changes.
 */
function build(dataDir: string): Omit<UsageDb, 'dataDir' | 'buildMs'> {
  const path = join(dataDir, 'usage.db');
  const rand = rng(20261123);
  const picks = models();
  const { byProvider, labels } = keysOf();
  const t0 = performance.now();
  const db = openDb(path);
  try {
    migrate(db, MIGRATIONS.filter((m) => m.version === 1));
    // Only for this build's connection, and nothing it leaves in the file differs: no rollback journal
    // or WAL copy of 400 MB of new pages (Ledger.open puts WAL back), and a page cache that holds the
    // indexes of one huge transaction. Together ~2 s less.
    db.exec('PRAGMA journal_mode = OFF');
    db.exec('PRAGMA synchronous = OFF');
    db.exec('PRAGMA cache_size = -65536');
    db.exec(`CREATE TEMP TABLE tpl (n INTEGER PRIMARY KEY, ${TEMPLATE_COLUMNS.join(', ')})`);
    const insertTpl = db.prepare(`INSERT INTO tpl VALUES (?, ${TEMPLATE_COLUMNS.map(() => '?').join(', ')})`);
    db.transaction(() => {
      for (let n = 0; n < TEMPLATES; n++) insertTpl.run(n, ...templateRow(rand, picks, byProvider));
    })();
    const span = TO_MS - FROM_MS;
    const step = Math.floor(span / USAGE_ROWS);
    // time: ascending with i, a deterministic jitter inside each row's slot; shape: i × 7919 mod 20,000
    // (7919 is prime, so every shape is used equally and neighbours differ). ~5-hour windows of 8 sessions.
    const t = `(${FROM_MS} + g.i * ${step} + (g.i * 2654435761) % ${step})`;
    db.exec(`
      WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < ${USAGE_ROWS - 1})
      INSERT INTO calls (id, time, session_id, settled_at, ${TEMPLATE_COLUMNS.join(', ')})
      SELECT printf('%08x-%04x-7%03x-%04x-%06x%06x', ${t} / 65536, ${t} % 65536, (g.i * 7919) % 4096,
                    32768 + abs(random()) % 16384, abs(random()) % 16777216, g.i),
             ${t}, printf('sess-%04d-%d', g.i / 2500, (g.i * 31) % 8), ${t} + COALESCE(tpl.latency_ms, 1000),
             ${TEMPLATE_COLUMNS.map((c) => `tpl.${c}`).join(', ')}
      FROM g JOIN tpl ON tpl.n = (g.i * 7919) % ${TEMPLATES}`);
    db.exec('DROP TABLE tpl');
    const t1 = performance.now();
    migrate(db);
    const t2 = performance.now();
    db.close();
    const ledger = Ledger.open({ path, timeZone: LIMITS_ZONE });
    try {
      new LimitsStore(ledger, silentLogger).set({ timeZone: LIMITS_ZONE });
      const t3 = performance.now();
      const count = (table: string) => (ledger.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      const rollupRows = {
        quarter: count('rollup_q'),
        day: count('rollup_day'),
        agentDay: count('rollup_agent_day'),
        sessionDay: count('rollup_session_day'),
      };
      ledger.close();
      return {
        rows: USAGE_ROWS,
        keyLabels: labels,
        phases: { callsMs: t1 - t0, migrationsMs: t2 - t1, localDaysMs: t3 - t2 },
        fileMb: statSync(path).size / 1e6,
        rollupRows,
      };
    } catch (err) {
      ledger.close();
      throw err;
    }
  } finally {
    if (db.open) db.close();
  }
}

let shared: UsageDb | null = null;
let root: string | null = null;

function removeRoot(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
}

/** A fresh temp dir that is removed when the bench process exits (run.ts ends with process.exit). */
export function benchTempDir(prefix: string): string {
  root ??= mkdtempSync(join(tmpdir(), 'sb-bench-usage-'));
  const dir = mkdtempSync(join(root, prefix));
  return dir;
}

/**
 * The shared million-call ledger: built by the first bench of a run that asks for it, then reused.
 * Benches must not write to it (ledger-throughput copies the file).
 */
export function sharedUsageDb(): UsageDb {
  if (shared) return { ...shared, buildMs: null };
  const dataDir = join(benchTempDir('db-'), 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const started = performance.now();
  const built = build(dataDir);
  shared = { dataDir, ...built, buildMs: performance.now() - started };
  return shared;
}

process.once('exit', removeRoot);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeRoot();
    process.exit(130);
  });
}

/** The first row after the machine row of each bench that uses the shared ledger: what it holds and what building it cost. */
export function usageDbRow(bench: string, db: UsageDb): BenchRow {
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  return {
    bench,
    case: `fixture: usage.db, ${db.rows.toLocaleString('en-US')} calls over ${USAGE_DAYS} days`,
    values: {
      'build s': db.buildMs === null ? 'reused' : db.buildMs / 1000,
      'build steps s':
        db.buildMs === null ? '' : `calls ${sec(db.phases.callsMs)}, migrations (q, session) ${sec(db.phases.migrationsMs)}, local days (day, agent) ${sec(db.phases.localDaysMs)}`,
      'file MB': db.fileMb,
      rollups: Object.entries(db.rollupRows)
        .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
        .join(', '),
    },
  };
}
