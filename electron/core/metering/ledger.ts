import { dirname } from 'node:path';
import type { CallKind, CallStatus, KeySource, Pricing, ProviderId, Usage, UsageRecord } from '../../../shared/contract/index.js';
import { costsDiffer, isClaude, nanoToUsd, PriceSnapshot, type PricingTier, type SettledCost } from '../../../shared/pricing/index.js';
import { makePrivateDir } from '../fs/private-dir.js';
import { openDb, prepared, type Db } from './db.js';
import { migrate, SUM_NAMES, type Migration } from './migrations.js';
import { isValidTimeZone, localDaySql, QUARTER_MS, zone, type Zone } from './time-zone.js';

interface PendingReservation extends NewReservation {
  seq: number;
  prices: PriceSnapshot;
}

/** What is written when a call is admitted. */
export interface NewReservation {
  id: string;
  time: number;
  sessionId: string;
  agent: string | null;
  provider: ProviderId;
  model: string;
  keyId: string | null;
  source: KeySource;
  /** The prompt's estimate (what the tokenizer or approximation said; the reservation is its bound). */
  promptEstimate: number;
  maxOutputTokens: number;
  /** The reserved prompt (its bound, or the provider's count) + maxOutputTokens. */
  reservedTokens: number;
  /** Worst-case cost in nano-USD; null when the price is unknown. */
  reservedNano: number | null;
  /** Price snapshot at admission (USD per million tokens). */
  pricing: Pricing | null;
  /** Long-prompt tiers of that snapshot. */
  tiers: PricingTier[] | null;
  /** The same prices as a PriceSnapshot, when the caller has built one already (admission has). */
  prices?: PriceSnapshot;
  attempt: number;
  kind: CallKind;
  retryOf: string | null;
  fallbackOf: string | null;
  /** The power level that chose the model, when one did. */
  powerLevel?: string | null;
  /** Model call of a tool loop (1-based), when the turn used tools. */
  step?: number | null;
  replacedKeyId: string | null;
}

export interface Settlement {
  status: Exclude<CallStatus, 'reserved'>;
  usage: Usage;
  errorCode: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  settledAt: number;
  /** USD the provider reported charging; recorded as the cost, with price × tokens as the cross-check. */
  reportedCostUsd?: number | null;
}

/** A settled call that used more than it reserved: in tokens, and in nano-USD. */
export interface OvershootRow {
  time: number;
  settledAt: number;
  provider: ProviderId;
  keyId: string | null;
  sessionId: string;
  tokens: number;
  nano: number;
}

/** A settled call as limits see it. */
export interface SettledCall {
  record: UsageRecord;
  /** input + cache read + cache write + output tokens. */
  tokens: number;
  /** What the call counts against USD limits (nano-USD): its cost, else its worst-case reservation, else 0. */
  capNano: number;
  /** Tokens used beyond the reservation (0 when within it). */
  overshootTokens: number;
  /** Nano-USD beyond the reserved worst case (0 when within it, or when either is unknown). */
  overshootNano: number;
}

/** A raw ledger row (snake_case, as stored). */
export interface CallRow {
  seq: number;
  id: string;
  time: number;
  session_id: string;
  agent: string | null;
  provider: ProviderId;
  model: string;
  key_id: string | null;
  source: KeySource;
  status: CallStatus;
  error_code: string | null;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  estimated: number;
  cost_nusd: number | null;
  cost_source: 'price' | 'provider-reported' | null;
  price_cost_nusd: number | null;
  priced: number;
  price_input: number | null;
  price_output: number | null;
  price_cache_read: number | null;
  price_cache_write: number | null;
  price_cache_write_1h: number | null;
  price_tiers: string | null;
  prompt_estimate: number;
  max_output_tokens: number;
  reserved_tokens: number;
  reserved_nusd: number | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  attempt: number;
  fallback_of: string | null;
  settled_at: number | null;
  power_level: string | null;
  step: number | null;
  kind: CallKind;
  retry_of: string | null;
  replaced_key_id: string | null;
  overshoot_tokens: number;
  overshoot_nusd: number;
}

/** Every column of a calls row, in the order rows are read in (raw arrays are mapped back by position). */
const CALL_COLUMNS = [
  'seq', 'id', 'time', 'session_id', 'agent', 'provider', 'model', 'key_id', 'source', 'status', 'error_code',
  'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'estimated',
  'cost_nusd', 'priced', 'price_input', 'price_output', 'price_cache_read', 'price_cache_write', 'price_tiers',
  'prompt_estimate', 'max_output_tokens', 'reserved_tokens', 'reserved_nusd', 'latency_ms', 'ttft_ms', 'attempt',
  'fallback_of', 'settled_at', 'power_level', 'step', 'kind', 'retry_of', 'replaced_key_id',
  'cache_write_1h_tokens', 'cost_source', 'price_cost_nusd', 'price_cache_write_1h', 'overshoot_tokens', 'overshoot_nusd',
] as const satisfies ReadonlyArray<keyof CallRow>;
const SELECT_CALLS = `SELECT ${CALL_COLUMNS.join(', ')} FROM calls`;

// libsql builds result objects slowly (tens of microseconds for a wide row); raw arrays mapped here cost a fraction.
function fromRaw(values: unknown[]): CallRow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < CALL_COLUMNS.length; i++) row[CALL_COLUMNS[i]!] = values[i];
  return row as unknown as CallRow;
}

function rawRows(stmt: { all(...args: unknown[]): unknown[] }, ...args: unknown[]): CallRow[] {
  return (stmt.all(...args) as unknown[][]).map(fromRaw);
}

/**
 * What a CSV export reads per row: the columns of a UsageRecord as one JSON array built by SQLite,
 * which JSON.parse turns into values at about half of libsql's per-column cost. The REAL prices
 * stay separate columns: SQLite's JSON prints doubles with 15 significant digits, which does not
 * always give back the same double.
 */
const EXPORT_JSON = [
  'seq', 'id', 'time', 'session_id', 'agent', 'provider', 'model', 'key_id', 'source', 'status', 'error_code',
  'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'estimated',
  'cost_nusd', 'priced', 'reserved_tokens', 'reserved_nusd', 'latency_ms', 'ttft_ms', 'attempt', 'fallback_of', 'settled_at',
  'power_level', 'step',
  'kind', 'retry_of', 'replaced_key_id',
  'cache_write_1h_tokens', 'cost_source', 'price_cost_nusd', 'overshoot_tokens', 'overshoot_nusd',
] as const satisfies ReadonlyArray<keyof CallRow>;
const SELECT_EXPORT = `SELECT json_array(${EXPORT_JSON.join(', ')}), price_input, price_output, price_cache_read, price_cache_write, price_cache_write_1h FROM calls`;

type ExportJson = [
  seq: number, id: string, time: number, session: string, agent: string | null, provider: ProviderId, model: string,
  keyId: string | null, source: KeySource, status: CallStatus, errorCode: string | null,
  input: number, cacheRead: number, cacheWrite: number, output: number, reasoning: number, estimated: number,
  costNano: number | null, priced: number, reservedTokens: number, reservedNano: number | null,
  latency: number | null, ttft: number | null, attempt: number, fallbackOf: string | null, settledAt: number | null,
  powerLevel: string | null, step: number | null,
  kind: CallKind, retryOf: string | null, replacedKeyId: string | null,
  cacheWrite1h: number, costSource: CallRow['cost_source'], priceCostNano: number | null, overshootTokens: number, overshootNano: number,
];

/** toRecord of an export row, without the CallRow in between (the same record: tests compare them). */
function exportRecord(v: ExportJson, row: unknown[]): UsageRecord {
  return {
    id: v[1],
    time: v[2],
    sessionId: v[3],
    agent: v[4],
    provider: v[5],
    model: v[6],
    keyId: v[7],
    source: v[8],
    status: v[9],
    errorCode: v[10],
    usage: usageOf(v[11], v[12], v[13], v[31], v[14], v[15], v[16]),
    costUsd: v[17] === null ? null : nanoToUsd(v[17]),
    pricing: v[18] ? pricingOf(row[1] as number | null, row[2] as number | null, row[3] as number | null, row[4] as number | null, row[5] as number | null) : null,
    latencyMs: v[21],
    ttftMs: v[22],
    attempt: v[23],
    kind: v[28],
    retryOf: v[29],
    fallbackOf: v[24],
    replacedKeyId: v[30],
    reservedUsd: v[20] === null ? null : nanoToUsd(v[20]),
    reservedTokens: v[19],
    settledAt: v[25],
    ...loopFields(v[26], v[27]),
    ...costFields(v[17], v[32], v[33], v[34], v[35]),
  };
}

function usageOf(input: number, cacheRead: number, cacheWrite: number, cacheWrite1h: number, output: number, reasoning: number, estimated: number): Usage {
  const u: Usage = { inputTokens: input, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, outputTokens: output, reasoningTokens: reasoning, estimated: estimated === 1 };
  // Only Anthropic's 1-hour writes carry it: every other record keeps DESIGN.md's six fields.
  if (cacheWrite1h > 0) u.cacheWrite1hTokens = cacheWrite1h;
  return u;
}

function pricingOf(input: number | null, output: number | null, cacheRead: number | null, cacheWrite: number | null, cacheWrite1h: number | null): Pricing {
  return cacheWrite1h === null ? { input, output, cacheRead, cacheWrite } : { input, output, cacheRead, cacheWrite, cacheWrite1h };
}

/** Where the cost came from, its cross-check, and any overshoot of the reservation. */
function costFields(costNano: number | null, storedSource: CallRow['cost_source'], storedPriceNano: number | null, overshootTokens: number, overshootNano: number) {
  // Rows settled before migration 6 were all priced by their snapshot.
  const source = storedSource ?? (costNano === null ? null : 'price');
  const priceNano = storedPriceNano ?? (source === 'price' ? costNano : null);
  return {
    costSource: source,
    priceCostUsd: priceNano === null ? null : nanoToUsd(priceNano),
    costMismatch: source === 'provider-reported' && costNano !== null && priceNano !== null && costsDiffer(costNano, priceNano),
    overshootTokens,
    overshootUsd: nanoToUsd(overshootNano),
  } satisfies Partial<UsageRecord>;
}

/** Power level and loop step appear on a record only when the call had them, so older records read as before. */
function loopFields(powerLevel: string | null, step: number | null): Pick<UsageRecord, 'powerLevel' | 'step'> {
  return { ...(powerLevel !== null ? { powerLevel } : {}), ...(step !== null ? { step } : {}) };
}

export interface ExportPage {
  records: UsageRecord[];
  /** Where the next page starts (the last row's position), null when the page is empty. */
  last: { time: number; seq: number } | null;
}

export interface RecordsFilter {
  from?: number;
  to?: number;
  sessionId?: string;
  provider?: ProviderId;
}

const SUM_COLUMNS = SUM_NAMES.join(', ');
/** The narrow rollups (one dimension, no status) count errors instead. */
const NARROW_COLUMNS = `${SUM_COLUMNS}, error_calls`;
/** SUM() of each of SUM_COLUMNS, in that order. */
const SUMS_OF_SUM_COLUMNS = SUM_NAMES.map((c) => `SUM(${c})`).join(', ');

export interface LedgerOptions {
  /** The SQLite file (usually <dataDir>/usage.db). */
  path: string;
  /** Zone of the day rollup for a new ledger (later: the limits time zone, see ensureDayRollup). */
  timeZone: string;
  migrations?: readonly Migration[];
}

/**
 * The usage ledger: one row per provider call, reserved at admission and settled exactly once.
 * Nothing here deletes rows; deleting a conversation leaves its calls in place.
 * All methods are synchronous, so a check and the write that follows it cannot interleave with
 * another call's.
 */
export class Ledger {
  readonly db: Db;
  private dayZone: Zone;
  private readonly stmts;
  /** Reservations this process wrote and has not settled: settling needs no read back. */
  private readonly pending = new Map<string, PendingReservation>();
  /** BEGIN IMMEDIATE / COMMIT / ROLLBACK as prepared statements: libsql's transaction() runs exec(), which parses the SQL every time. */
  private readonly tx;
  /** The span rollup_zone holds offsets for (the triggers' local days). */
  private zoneCover = { lo: 0, hi: 0 };

  private constructor(db: Db, timeZone: string) {
    this.db = db;
    this.dayZone = zone(timeZone);
    this.stmts = {
      insert: db.prepare(`INSERT INTO calls (id, time, session_id, agent, provider, model, key_id, source, status,
          priced, price_input, price_output, price_cache_read, price_cache_write, price_cache_write_1h, price_tiers,
          prompt_estimate, max_output_tokens, reserved_tokens, reserved_nusd, attempt, fallback_of, power_level, step, kind, retry_of, replaced_key_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      byId: db.prepare(`${SELECT_CALLS} WHERE id = ?`).raw(true),
      settle: db.prepare(`UPDATE calls SET status = ?, error_code = ?, input_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?,
          output_tokens = ?, reasoning_tokens = ?, estimated = ?, cost_nusd = ?, priced = ?, price_input = ?, price_output = ?,
          price_cache_read = ?, price_cache_write = ?, latency_ms = ?, ttft_ms = ?, settled_at = ?,
          cache_write_1h_tokens = ?, price_cache_write_1h = ?, cost_source = ?, price_cost_nusd = ?, overshoot_tokens = ?, overshoot_nusd = ?
        WHERE seq = ? AND status = 'reserved'`),
      open: db.prepare(`${SELECT_CALLS} WHERE status = 'reserved' ORDER BY seq`).raw(true),
      kvGet: db.prepare('SELECT value FROM kv WHERE key = ?'),
      kvSet: db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      sessionCap: db.prepare("SELECT COALESCE(SUM(COALESCE(cost_nusd, reserved_nusd, 0)), 0) AS n FROM calls WHERE session_id = ? AND status <> 'reserved'"),
      dayTokens: db.prepare(
        `SELECT provider, key_id AS keyId, SUM(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
         FROM rollup_day WHERE day = ? GROUP BY provider, key_id`,
      ),
      capNanoByProvider: db.prepare('SELECT provider, SUM(cap_nusd) AS nano FROM rollup_day WHERE day >= ? AND day < ? GROUP BY provider'),
      overshoots: db.prepare(
        `SELECT time, settled_at AS settledAt, provider, key_id AS keyId, session_id AS sessionId, overshoot_tokens AS tokens, overshoot_nusd AS nano
         FROM calls WHERE time >= ? AND time < ? AND (overshoot_tokens > 0 OR overshoot_nusd > 0)`,
      ),
      sessionOvershoots: db.prepare('SELECT settled_at AS settledAt, overshoot_nusd AS nano FROM calls WHERE session_id = ? AND overshoot_nusd > 0'),
    };
    this.tx = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') };
    // Keep the day rollup's zone as it was; the limits service moves it when the user's zone differs.
    const stored = this.kvGet('rollup_day_tz');
    this.ensureDayRollup(stored && isValidTimeZone(stored) ? stored : timeZone);
  }

  static open(options: LedgerOptions): Ledger {
    if (options.path !== ':memory:') makePrivateDir(dirname(options.path));
    const db = openDb(options.path);
    try {
      migrate(db, options.migrations);
      return new Ledger(db, options.timeZone);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  close(): void {
    if (!this.db.open) return;
    try {
      // Leave a compact file behind: fold the WAL into the database and truncate it.
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      // another connection still reading; SQLite checkpoints on the next open
    }
    this.db.close();
  }

  get timeZone(): string {
    return this.dayZone.name;
  }

  insertReservation(r: NewReservation): void {
    const prices = r.prices ?? new PriceSnapshot(r.pricing, r.tiers, isClaude(r.provider, r.model));
    const p = prices.base;
    const { lastInsertRowid } = this.stmts.insert.run(
      r.id,
      r.time,
      r.sessionId,
      r.agent,
      r.provider,
      r.model,
      r.keyId,
      r.source,
      p ? 1 : 0,
      p?.input ?? null,
      p?.output ?? null,
      p?.cacheRead ?? null,
      p?.cacheWrite ?? null,
      p?.cacheWrite1h ?? null,
      prices.tiers.length > 0 ? JSON.stringify(prices.tiers) : null,
      r.promptEstimate,
      r.maxOutputTokens,
      r.reservedTokens,
      r.reservedNano,
      r.attempt,
      r.fallbackOf,
      r.powerLevel ?? null,
      r.step ?? null,
      r.kind,
      r.retryOf,
      r.replacedKeyId,
    );
    this.pending.set(r.id, { ...r, seq: Number(lastInsertRowid), prices });
  }

  get(id: string): CallRow | null {
    const values = this.stmts.byId.get(id) as unknown[] | undefined;
    return values ? fromRaw(values) : null;
  }

  /**
   * Replaces a reservation with what the call used, priced by the snapshot taken at admission (the
   * long-prompt tier the actual prompt falls in), or at the cost the provider reported. Returns null
   * when the row was already settled (a call is settled exactly once: the UPDATE only matches a row
   * still reserved).
   */
  settle(id: string, s: Settlement): SettledCall | null {
    const r = this.pending.get(id) ?? this.pendingFromRow(id);
    if (!r) return null;
    const u = s.usage;
    const priced = r.prices.settle(u, s.reportedCostUsd);
    const cost = priced.nano;
    const pricing = priced.pricing;
    const capNano = cost ?? r.reservedNano ?? 0;
    const tokens = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens + u.outputTokens;
    const over = {
      tokens: Math.max(0, tokens - r.reservedTokens),
      nano: cost === null || r.reservedNano === null ? 0 : Math.max(0, cost - r.reservedNano),
    };
    const latency = s.latencyMs === null ? null : Math.round(s.latencyMs);
    const ttft = s.ttftMs === null ? null : Math.round(s.ttftMs);
    const changed = this.settleTransaction(r, s, priced, over, latency, ttft);
    this.pending.delete(id);
    if (!changed) return null;
    const row: CallRow = {
      seq: r.seq,
      id: r.id,
      time: r.time,
      session_id: r.sessionId,
      agent: r.agent,
      provider: r.provider,
      model: r.model,
      key_id: r.keyId,
      source: r.source,
      status: s.status,
      error_code: s.errorCode,
      input_tokens: u.inputTokens,
      cache_read_tokens: u.cacheReadTokens,
      cache_write_tokens: u.cacheWriteTokens,
      cache_write_1h_tokens: write1h(u),
      output_tokens: u.outputTokens,
      reasoning_tokens: u.reasoningTokens,
      estimated: u.estimated ? 1 : 0,
      cost_nusd: cost,
      cost_source: priced.source,
      price_cost_nusd: priced.priceNano,
      priced: pricing ? 1 : 0,
      price_input: pricing?.input ?? null,
      price_output: pricing?.output ?? null,
      price_cache_read: pricing?.cacheRead ?? null,
      price_cache_write: pricing?.cacheWrite ?? null,
      price_cache_write_1h: pricing?.cacheWrite1h ?? null,
      price_tiers: null,
      prompt_estimate: r.promptEstimate,
      max_output_tokens: r.maxOutputTokens,
      reserved_tokens: r.reservedTokens,
      reserved_nusd: r.reservedNano,
      latency_ms: latency,
      ttft_ms: ttft,
      attempt: r.attempt,
      fallback_of: r.fallbackOf,
      settled_at: s.settledAt,
      power_level: r.powerLevel ?? null,
      step: r.step ?? null,
      kind: r.kind,
      retry_of: r.retryOf,
      replaced_key_id: r.replacedKeyId,
      overshoot_tokens: over.tokens,
      overshoot_nusd: over.nano,
    };
    return { record: toRecord(row), tokens, capNano, overshootTokens: over.tokens, overshootNano: over.nano };
  }

  /** writeSettlement in one immediate transaction (what db.transaction(fn).immediate does). */
  private settleTransaction(...args: Parameters<Ledger['writeSettlement']>): boolean {
    this.tx.begin.run();
    try {
      const changed = this.writeSettlement(...args);
      this.tx.commit.run();
      return changed;
    } catch (err) {
      this.tx.rollback.run();
      // An extension of rollup_zone in this transaction was rolled back with it.
      this.zoneCover = this.storedZoneCover();
      throw err;
    }
  }

  private writeSettlement(
    r: PendingReservation,
    s: Settlement,
    priced: SettledCost,
    over: { tokens: number; nano: number },
    latency: number | null,
    ttft: number | null,
  ): boolean {
    const u = s.usage;
    const pricing = priced.pricing;
    // The triggers look up the call's local day in rollup_zone: make sure it covers the call's time.
    if (r.time < this.zoneCover.lo || r.time >= this.zoneCover.hi) this.coverZone(r.time);
    const { changes } = this.stmts.settle.run(
      s.status,
      s.errorCode,
      u.inputTokens,
      u.cacheReadTokens,
      u.cacheWriteTokens,
      u.outputTokens,
      u.reasoningTokens,
      u.estimated ? 1 : 0,
      priced.nano,
      pricing ? 1 : 0,
      pricing?.input ?? null,
      pricing?.output ?? null,
      pricing?.cacheRead ?? null,
      pricing?.cacheWrite ?? null,
      latency,
      ttft,
      s.settledAt,
      write1h(u),
      pricing?.cacheWrite1h ?? null,
      priced.source,
      priced.priceNano,
      over.tokens,
      over.nano,
      r.seq,
    );
    // The rollups follow in the same statement (triggers of migration 3).
    return changes === 1;
  }

  /** A reservation written by an earlier process (crash recovery), read back from its row. */
  private pendingFromRow(id: string): PendingReservation | null {
    const row = this.get(id);
    if (!row || row.status !== 'reserved') return null;
    const tiers = row.price_tiers ? (JSON.parse(row.price_tiers) as PricingTier[]) : null;
    const pricing = snapshotOf(row);
    return {
      prices: new PriceSnapshot(pricing, tiers, isClaude(row.provider, row.model)),
      seq: row.seq,
      id: row.id,
      time: row.time,
      sessionId: row.session_id,
      agent: row.agent,
      provider: row.provider,
      model: row.model,
      keyId: row.key_id,
      source: row.source,
      promptEstimate: row.prompt_estimate,
      maxOutputTokens: row.max_output_tokens,
      reservedTokens: row.reserved_tokens,
      reservedNano: row.reserved_nusd,
      pricing,
      tiers,
      attempt: row.attempt,
      kind: row.kind,
      retryOf: row.retry_of,
      fallbackOf: row.fallback_of,
      powerLevel: row.power_level,
      step: row.step,
      replacedKeyId: row.replaced_key_id,
    };
  }

  /** Reservations not settled yet: after a crash, the calls that were running when it happened. */
  openReservations(): CallRow[] {
    return rawRows(this.stmts.open);
  }

  /**
   * Settled calls admitted in [from, to) that used more than they reserved: what they went over,
   * by provider, key and session (few rows: a partial index holds only these).
   */
  overshoots(from: number, to: number): OvershootRow[] {
    return this.stmts.overshoots.all(from, to) as OvershootRow[];
  }

  /** A session's calls that went beyond their reservations in USD: when each settled, and by how much (nano-USD). */
  sessionOvershoots(sessionId: string): Array<{ settledAt: number; nano: number }> {
    return this.stmts.sessionOvershoots.all(sessionId) as Array<{ settledAt: number; nano: number }>;
  }

  /** Settled spend of a session counted against its budget (nano-USD). */
  sessionCapNano(sessionId: string): number {
    return (this.stmts.sessionCap.get(sessionId) as { n: number }).n;
  }

  /**
   * Settled tokens (input + cache read + cache write + output) of one local day of the day rollup's
   * zone (see ensureDayRollup), per provider and key; keyId null for calls made without a key.
   */
  dayTokens(day: number): Array<{ provider: ProviderId; keyId: string | null; tokens: number }> {
    const rows = this.stmts.dayTokens.all(day) as Array<{ provider: ProviderId; keyId: string; tokens: number }>;
    // The rollups store "no key" as '' so it can be part of their primary key (migrations.ts).
    return rows.map((r) => ({ provider: r.provider, keyId: r.keyId === '' ? null : r.keyId, tokens: r.tokens }));
  }

  /**
   * Settled spend counted against USD caps (nano-USD; see SettledCall.capNano) over the local days
   * [fromDay, toDay) of the day rollup's zone, usually the days of a month, per provider.
   */
  monthCapNano(fromDay: number, toDay: number): Array<{ provider: ProviderId; nano: number }> {
    return this.stmts.capNanoByProvider.all(fromDay, toDay) as Array<{ provider: ProviderId; nano: number }>;
  }

  kvGet(key: string): string | null {
    return (this.stmts.kvGet.get(key) as { value: string } | undefined)?.value ?? null;
  }

  kvSet(key: string, value: string): void {
    this.stmts.kvSet.run(key, value);
  }

  /**
   * Keeps the local-day rollups (rollup_day, rollup_agent_day) in the given zone, rebuilding them
   * from the quarter rollup when the zone changed. Quarters are exact: every offset and DST change
   * in use falls on a quarter hour.
   */
  ensureDayRollup(timeZone: string): void {
    const z = zone(timeZone);
    if (this.kvGet('rollup_day_tz') === timeZone) {
      this.dayZone = z;
      this.zoneCover = this.storedZoneCover();
      if (this.zoneCover.lo >= this.zoneCover.hi) this.db.transaction(() => this.writeZone(z, defaultCover(Date.now()))).immediate();
      return;
    }
    const range = this.db.prepare('SELECT (SELECT MIN(bucket) FROM rollup_q) AS lo, (SELECT MAX(bucket) FROM rollup_q) AS hi').get() as { lo: number | null; hi: number | null };
    this.db.transaction(() => {
      this.db.exec('DELETE FROM rollup_day');
      this.db.exec('DELETE FROM rollup_agent_day');
      if (range.lo !== null && range.hi !== null) {
        const day = localDaySql(z, `bucket * ${QUARTER_MS}`, range.lo * QUARTER_MS, (range.hi + 1) * QUARTER_MS);
        this.db.exec(`INSERT INTO rollup_day (day, provider, model, key_id, source, status, ${SUM_COLUMNS})
          SELECT ${day}, provider, model, key_id, source, status, ${SUMS_OF_SUM_COLUMNS}
          FROM rollup_q GROUP BY 1, 2, 3, 4, 5, 6`);
        this.db.exec(`INSERT INTO rollup_agent_day (day, agent, ${NARROW_COLUMNS})
          SELECT ${day}, agent, ${SUMS_OF_SUM_COLUMNS}, SUM(CASE WHEN status = 'error' THEN calls ELSE 0 END)
          FROM rollup_q GROUP BY 1, 2`);
      }
      this.writeZone(z, this.zoneCover.lo < this.zoneCover.hi ? this.zoneCover : defaultCover(Date.now()));
      this.kvSet('rollup_day_tz', timeZone);
    }).immediate();
    this.dayZone = z;
  }

  /** What rollup_zone covers: from its first row to its closing NULL row (empty: lo = hi = 0). */
  private storedZoneCover(): { lo: number; hi: number } {
    const c = this.db.prepare('SELECT (SELECT MIN(from_ms) FROM rollup_zone) AS lo, (SELECT MAX(from_ms) FROM rollup_zone) AS hi').get() as { lo: number | null; hi: number | null };
    return c.lo !== null && c.hi !== null && c.lo < c.hi ? { lo: c.lo, hi: c.hi } : { lo: 0, hi: 0 };
  }

  /** Extends rollup_zone to cover instant t (a settle inside its transaction: the offsets land with it). */
  private coverZone(t: number): void {
    const around = defaultCover(t);
    const has = this.zoneCover.lo < this.zoneCover.hi;
    this.writeZone(this.dayZone, { lo: has ? Math.min(this.zoneCover.lo, around.lo) : around.lo, hi: has ? Math.max(this.zoneCover.hi, around.hi) : around.hi });
  }

  /** rollup_zone := the zone's offsets over [lo, hi), ended by a NULL offset at hi. */
  private writeZone(z: Zone, cover: { lo: number; hi: number }): void {
    this.db.exec('DELETE FROM rollup_zone');
    const insert = this.db.prepare('INSERT INTO rollup_zone (from_ms, offset_ms) VALUES (?, ?)');
    for (const s of z.segments(cover.lo, cover.hi)) insert.run(s.from, s.offset);
    insert.run(cover.hi, null);
    this.zoneCover = { ...cover };
  }

  /** Newest first, keyset-paged on (time, seq). */
  records(filter: RecordsFilter, limit: number, cursor: { time: number; seq: number } | null): { rows: CallRow[]; next: { time: number; seq: number } | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    addFilters(filter, where, args);
    if (cursor) {
      where.push('(time, seq) < (?, ?)');
      args.push(cursor.time, cursor.seq);
    }
    const sql = `${SELECT_CALLS} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time DESC, seq DESC LIMIT ?`;
    const rows = rawRows(prepared(this.db, sql), ...args, limit + 1);
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { rows, next: more && last ? { time: last.time, seq: last.seq } : null };
  }

  /** Records oldest first after a (time, seq) position, up to `maxSeq`: the pages a CSV export reads (the cheap way, see EXPORT_JSON). */
  exportPage(filter: RecordsFilter, after: { time: number; seq: number } | null, maxSeq: number, limit: number): ExportPage {
    const where: string[] = ['seq <= ?'];
    const args: unknown[] = [maxSeq];
    addFilters(filter, where, args);
    if (after) {
      where.push('(time, seq) > (?, ?)');
      args.push(after.time, after.seq);
    }
    const sql = `${SELECT_EXPORT} WHERE ${where.join(' AND ')} ORDER BY time, seq LIMIT ?`;
    // One filter shape per export, a thousand pages of it: prepared once.
    const rows = prepared(this.db, sql).all(...args, limit) as unknown[][];
    const records: UsageRecord[] = new Array<UsageRecord>(rows.length);
    let last: ExportPage['last'] = null;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const v = JSON.parse(row[0] as string) as ExportJson;
      records[i] = exportRecord(v, row);
      last = { time: v[2], seq: v[0] };
    }
    return { records, last };
  }

  maxSeq(): number {
    return (prepared(this.db, 'SELECT COALESCE(MAX(seq), 0) AS n FROM calls').get() as [number])[0];
  }

  /** Calls after `seq` in the order they were admitted (the team sync reads them in batches). */
  callsAfter(seq: number, limit: number): CallRow[] {
    return rawRows(prepared(this.db, `${SELECT_CALLS} WHERE seq > ? ORDER BY seq LIMIT ?`), seq, limit);
  }

  /** How many calls of these sources come after `seq`, leaving out the inclusive seq ranges in `skip`. */
  countAfter(seq: number, sources: readonly KeySource[], skip: ReadonlyArray<readonly [number, number]> = []): number {
    const where = [`seq > ?`, `source IN (${sources.map(() => '?').join(', ')})`, ...skip.map(() => 'seq NOT BETWEEN ? AND ?')];
    const args: unknown[] = [seq, ...sources, ...skip.flat()];
    return (prepared(this.db, `SELECT COUNT(*) FROM calls WHERE ${where.join(' AND ')}`).get(...args) as [number])[0];
  }

  count(filter: RecordsFilter): number {
    const where: string[] = [];
    const args: unknown[] = [];
    addFilters(filter, where, args);
    // The filters make a few fixed shapes of SQL, each prepared once.
    return (prepared(this.db, `SELECT COUNT(*) AS n FROM calls ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`).get(...args) as [number])[0];
  }
}

/** What rollup_zone covers around t: a year before to two years after, in whole UTC years; a call outside extends it (coverZone). */
function defaultCover(t: number): { lo: number; hi: number } {
  const year = new Date(t).getUTCFullYear();
  return { lo: Date.UTC(year - 1, 0, 1), hi: Date.UTC(year + 2, 0, 1) };
}

function addFilters(filter: RecordsFilter, where: string[], args: unknown[]): void {
  if (filter.from !== undefined) {
    where.push('time >= ?');
    args.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('time < ?');
    args.push(filter.to);
  }
  if (filter.sessionId !== undefined) {
    where.push('session_id = ?');
    args.push(filter.sessionId);
  }
  if (filter.provider !== undefined) {
    where.push('provider = ?');
    args.push(filter.provider);
  }
}

export function snapshotOf(row: CallRow): Pricing | null {
  return row.priced ? pricingOf(row.price_input, row.price_output, row.price_cache_read, row.price_cache_write, row.price_cache_write_1h) : null;
}

/** The 1-hour part of a usage's cache writes. */
function write1h(u: Usage): number {
  return Math.min(u.cacheWrite1hTokens ?? 0, u.cacheWriteTokens);
}

export function toRecord(row: CallRow): UsageRecord {
  return {
    id: row.id,
    time: row.time,
    sessionId: row.session_id,
    agent: row.agent,
    provider: row.provider,
    model: row.model,
    keyId: row.key_id,
    source: row.source,
    status: row.status,
    errorCode: row.error_code,
    usage: usageOf(row.input_tokens, row.cache_read_tokens, row.cache_write_tokens, row.cache_write_1h_tokens, row.output_tokens, row.reasoning_tokens, row.estimated),
    costUsd: row.cost_nusd === null ? null : nanoToUsd(row.cost_nusd),
    pricing: snapshotOf(row),
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    attempt: row.attempt,
    kind: row.kind,
    retryOf: row.retry_of,
    fallbackOf: row.fallback_of,
    replacedKeyId: row.replaced_key_id,
    reservedUsd: row.reserved_nusd === null ? null : nanoToUsd(row.reserved_nusd),
    reservedTokens: row.reserved_tokens,
    settledAt: row.settled_at,
    ...loopFields(row.power_level ?? null, row.step ?? null),
    ...costFields(row.cost_nusd, row.cost_source, row.price_cost_nusd, row.overshoot_tokens, row.overshoot_nusd),
  };
}
