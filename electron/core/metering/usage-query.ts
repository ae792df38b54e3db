import { AppError, type GroupBy, type TimeInput, type UsageGroup, type UsageTotals } from '../../../shared/contract/index.js';
import { nanoToUsd } from '../../../shared/cost.js';
import { prepared } from './db.js';
import type { Ledger } from './ledger.js';
import { DAY_MS, dayLabel, dayOfIsoDate, isoWeekStart, isValidTimeZone, localDaySql, QUARTER_MS, zone, type Zone } from './time-zone.js';

export interface UsageQueryInput {
  from?: TimeInput;
  to?: TimeInput;
  groupBy: GroupBy[];
  provider?: string;
  model?: string;
  keyId?: string;
  agent?: string;
  sessionId?: string;
  timeZone?: string;
}

export interface UsageQueryResult {
  groups: UsageGroup[];
  totals: UsageTotals;
  timeZone: string;
  /**
   * Which tables answered, coarse to fine, e.g. "day+quarter+calls": the day rollup, then quarters
   * and single calls for the edges and corrections (for tests and benchmarks). "none" when the
   * ledger holds no call in the range.
   */
  plan: string;
}

/** The tables a query can be answered from. */
export type UsageTable = 'day' | 'agent_day' | 'session_day' | 'quarter' | 'calls';
/** Limits the tables a query may read (tests and benchmarks compare the answers): 'quarter' = quarter + calls; calls are always allowed. */
export type UsageTableLimit = 'quarter' | 'calls' | { tables: readonly UsageTable[] };

type Dim = Exclude<GroupBy, 'day' | 'week' | 'month'>;
const TIME_DIMS = new Set<GroupBy>(['day', 'week', 'month']);
const COLUMN: Record<Dim, string> = {
  provider: 'provider',
  model: 'model',
  key: 'key_id',
  agent: 'agent',
  level: 'power_level',
  session: 'session_id',
  source: 'source',
  status: 'status',
};

interface Table {
  name: UsageTable;
  sql: string;
  dims: ReadonlySet<Dim>;
  /** Aggregates in Sums order. */
  agg: string;
  /** Time column; coarse tables hold day indices, fine ones buckets of `unit` ms. */
  col: string;
  unit: number;
  /** Days of the limits zone (the ledger's rollup zone) rather than UTC. */
  localDays?: boolean;
  /** The rollups store a missing key or agent as '' so it can be part of their primary key. */
  emptyIsNull: boolean;
}

// Aggregates in a fixed order: calls, input, cache read, cache write, output, reasoning, cost
// (nano-USD), unknown-cost calls, errors, estimated calls.
const sumsWith = (errors: string) => `SUM(calls), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
  SUM(reasoning_tokens), SUM(cost_nusd), SUM(unknown_cost_calls), ${errors}, SUM(estimated_calls)`;
const ROLLUP_AGG = sumsWith("SUM(CASE WHEN status = 'error' THEN calls ELSE 0 END)");
const NARROW_AGG = sumsWith('SUM(error_calls)');
const CALLS_AGG = `COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
  SUM(reasoning_tokens), COALESCE(SUM(cost_nusd), 0), SUM(cost_nusd IS NULL), SUM(status = 'error'), SUM(estimated)`;

const FULL: Dim[] = ['provider', 'model', 'key', 'source', 'status'];
const TABLES: Record<UsageTable, Table> = {
  day: { name: 'day', sql: 'rollup_day', dims: new Set(FULL), agg: ROLLUP_AGG, col: 'day', unit: DAY_MS, localDays: true, emptyIsNull: true },
  agent_day: { name: 'agent_day', sql: 'rollup_agent_day', dims: new Set<Dim>(['agent']), agg: NARROW_AGG, col: 'day', unit: DAY_MS, localDays: true, emptyIsNull: true },
  session_day: { name: 'session_day', sql: 'rollup_session_day', dims: new Set<Dim>(['session']), agg: NARROW_AGG, col: 'day', unit: DAY_MS, emptyIsNull: true },
  quarter: { name: 'quarter', sql: 'rollup_q', dims: new Set<Dim>([...FULL, 'agent']), agg: ROLLUP_AGG, col: 'bucket', unit: QUARTER_MS, emptyIsNull: true },
  // Power level lives on calls only (no rollup carries it): grouping by it reads single calls.
  calls: { name: 'calls', sql: 'calls', dims: new Set<Dim>([...FULL, 'agent', 'level', 'session']), agg: CALLS_AGG, col: 'time', unit: 1, emptyIsNull: false },
};
/** Day tables, preferred in this order (smallest first) when several hold every dimension asked for. */
const COARSE: UsageTable[] = ['agent_day', 'day', 'session_day'];
/** Bucketed tables for whatever the day tables cannot answer, coarse to fine; calls are exact to the millisecond. */
const FINE: UsageTable[] = ['quarter', 'calls'];

export function resolveZone(name: string): Zone {
  if (!isValidTimeZone(name)) throw new AppError('VALIDATION', `timeZone: "${name}" is not a known IANA time zone (e.g. Europe/Berlin).`, { field: 'timeZone' });
  return zone(name);
}

/**
 * A time bound in ms. A date without time means a whole local day in the query's zone: `from`
 * is that day's start, `to` the next day's start, so {from: d, to: d} is exactly day d.
 */
function boundMs(value: TimeInput | undefined, edge: 'from' | 'to', z: Zone): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const day = dayOfIsoDate(value);
  if (day !== null) return z.startOfDay(edge === 'from' ? day : day + 1);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION', `${edge}: not a date or time`, { field: edge });
  return ms;
}

/** Both bounds of a range in ms (see boundMs); VALIDATION when `from` is after `to`. */
export function rangeMs(from: TimeInput | undefined, to: TimeInput | undefined, z: Zone): { from?: number; to?: number } {
  const f = boundMs(from, 'from', z);
  const t = boundMs(to, 'to', z);
  if (f !== undefined && t !== undefined && f > t) throw new AppError('VALIDATION', 'from: must not be after to', { field: 'from' });
  return { ...(f !== undefined ? { from: f } : {}), ...(t !== undefined ? { to: t } : {}) };
}

interface Sums {
  calls: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  costNano: number;
  unknown: number;
  errors: number;
  estimated: number;
}

const zero = (): Sums => ({ calls: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, costNano: 0, unknown: 0, errors: 0, estimated: 0 });

/** Adds `sign` × the aggregates of a result row (from column `first` on, in Sums order). */
function addRow(into: Sums, r: unknown[], first: number, sign: number): void {
  into.calls += sign * Number(r[first] ?? 0);
  into.input += sign * Number(r[first + 1] ?? 0);
  into.cacheRead += sign * Number(r[first + 2] ?? 0);
  into.cacheWrite += sign * Number(r[first + 3] ?? 0);
  into.output += sign * Number(r[first + 4] ?? 0);
  into.reasoning += sign * Number(r[first + 5] ?? 0);
  into.costNano += sign * Number(r[first + 6] ?? 0);
  into.unknown += sign * Number(r[first + 7] ?? 0);
  into.errors += sign * Number(r[first + 8] ?? 0);
  into.estimated += sign * Number(r[first + 9] ?? 0);
}

function totalsOf(s: Sums): UsageTotals {
  return {
    calls: s.calls,
    inputTokens: s.input,
    cacheReadTokens: s.cacheRead,
    cacheWriteTokens: s.cacheWrite,
    outputTokens: s.output,
    reasoningTokens: s.reasoning,
    costUsd: nanoToUsd(s.costNano),
    unknownCostCalls: s.unknown,
    errors: s.errors,
    estimatedCalls: s.estimated,
  };
}

/** Consecutive day buckets of a day table: local days of the limits zone, or UTC days. */
interface Calendar {
  index(t: number): number;
  start(i: number): number;
}

const UTC_DAYS: Calendar = { index: (t) => Math.floor(t / DAY_MS), start: (i) => i * DAY_MS };

/**
 * Part of the range read from a bucketed table: its calls count towards their own time bucket
 * (when `add`) and are taken out of the time bucket `sub` (when not null), where a day table
 * counted them as a whole day.
 */
interface Piece {
  lo: number;
  hi: number;
  add: boolean;
  sub: number | null;
}

/**
 * usage.query: settled calls (reservations of running calls are not usage yet) grouped by any of
 * the dimensions, with day/week/month in the query's time zone (ISO weeks, starting Monday).
 *
 * Answered with exact sums from the smallest tables that hold the dimensions asked for:
 *  - a day table (local days of the limits zone: rollup_agent_day by agent, rollup_day by provider,
 *    model, key, source, status; UTC days: rollup_session_day by conversation) for every whole day
 *    of the range;
 *  - quarters (rollup_q, UTC, no conversation), then single calls for the rest: edges of a range
 *    that does not start or end on a day, and, when the query's days are not the table's days
 *    (another zone, UTC days), the hours between the two days' starts, moved from the day that
 *    counted them to their own (at most 12 hours a day, far less for nearby zones). A day bucket
 *    is used whole, minus what lies outside, when that is less to read than its part inside.
 * (An hourly rollup would read a quarter of the rows for those corrections, but every settle
 * would write one more page: about 10 µs a call, for queries the dashboard never asks.)
 * Every table sums the same settled calls (triggers update all of them in the statement that
 * settles a call, see migration 3), so all of this adds up to the calls table's answer exactly.
 */
export function queryUsage(ledger: Ledger, input: UsageQueryInput, defaultZone: string, limit?: UsageTableLimit): UsageQueryResult {
  const z = resolveZone(input.timeZone ?? defaultZone);
  const { from, to } = rangeMs(input.from, input.to, z);

  const groupBy = [...new Set(input.groupBy)];
  const timeDims = groupBy.filter((g) => TIME_DIMS.has(g));
  const byTime = timeDims.length > 0;
  const otherDims = groupBy.filter((g): g is Dim => !TIME_DIMS.has(g));
  const filters: Array<[Dim, string | undefined]> = [
    ['provider', input.provider],
    ['model', input.model],
    ['key', input.keyId],
    ['agent', input.agent],
    ['session', input.sessionId],
  ];
  const need = new Set<Dim>(otherDims);
  for (const [dim, value] of filters) if (value !== undefined) need.add(dim);

  let allowed = new Set<UsageTable>(
    limit === undefined ? [...COARSE, ...FINE] : limit === 'calls' ? ['calls'] : limit === 'quarter' ? ['quarter', 'calls'] : [...limit.tables, 'calls'],
  );
  // One conversation's calls come straight off the calls table's (session_id, time) index.
  if (input.sessionId !== undefined) allowed = new Set(['calls']);
  const covers = (t: Table) => allowed.has(t.name) && [...need].every((d) => t.dims.has(d));

  const totals = zero();
  const groups = new Map<string, { key: Record<string, string | null>; sums: Sums }>();
  const used = new Set<UsageTable>();
  const result = (): UsageQueryResult => ({
    groups: [...groups.values()]
      .filter((g) => g.sums.calls !== 0)
      .sort((a, b) => {
        for (const g of groupBy) {
          const x = a.key[g] ?? '';
          const y = b.key[g] ?? '';
          if (x !== y) return x < y ? -1 : 1;
        }
        return 0;
      })
      .map((g) => ({ key: g.key, ...totalsOf(g.sums) })),
    totals: totalsOf(totals),
    timeZone: z.name,
    plan: [...COARSE, ...FINE].filter((t) => used.has(t)).join('+') || 'none',
  });

  // Nothing lies outside the calls' own span: clamp to it, so an open or huge range costs what the data does.
  // (Two subqueries: SQLite answers a lone MIN or MAX from the index's ends, both in one SELECT with a scan.)
  const span = prepared(ledger.db, 'SELECT (SELECT MIN(time) FROM calls), (SELECT MAX(time) FROM calls)').get() as [number | null, number | null];
  const [spanLo, spanHi] = span;
  if (spanLo === null || spanHi === null) return result();
  const dataLo = spanLo;
  const dataHi = spanHi + 1;

  const rollupZone = zone(ledger.timeZone);
  const localDays: Calendar = { index: (t) => rollupZone.dayIndex(t), start: (i) => rollupZone.startOfDay(i) };
  const fine = FINE.map((n) => TABLES[n]).filter(covers);
  const bucket = fine[0]!.unit;

  // The range: what was asked, within the data; open ends start and end on whole buckets.
  const clamp = (cal: Calendar | null) => {
    const floor = (t: number) => (cal ? cal.start(cal.index(t)) : Math.floor(t / bucket) * bucket);
    const ceil = (t: number) => (cal ? cal.start(cal.index(t - 1) + 1) : Math.ceil(t / bucket) * bucket);
    return {
      lo: from === undefined || from <= dataLo ? floor(dataLo) : from,
      hi: to === undefined || to >= dataHi ? ceil(dataHi) : to,
    };
  };

  // The day table: the first that holds every dimension, and whose days start on quarters (local
  // days of a zone with a 15-minute-odd offset in the range do not line up with the bucketed tables).
  let coarse: Table | null = null;
  let cal: Calendar | null = null;
  let lo = 0;
  let hi = 0;
  for (const t of COARSE.map((n) => TABLES[n]).filter(covers)) {
    const c = t.localDays ? localDays : UTC_DAYS;
    const r = clamp(c);
    if (t.localDays && r.lo < r.hi && !daysOnQuarters(c, r.lo, r.hi)) continue;
    coarse = t;
    cal = c;
    ({ lo, hi } = r);
    break;
  }
  if (!coarse) ({ lo, hi } = clamp(null));
  if (lo >= hi) return result();

  const pieces: Piece[] = [];
  /** Blocks (day-table buckets) counted whole, with the time bucket each goes to. */
  const blocks: Array<{ index: number; target: number }> = [];
  if (coarse && cal) {
    const piecesOf = (a: number, b: number, target: number) => {
      const cuts = [a, ...[lo, hi].filter((c) => c > a && c < b), b];
      for (let i = 0; i + 1 < cuts.length; i++) pieces.push({ lo: cuts[i]!, hi: cuts[i + 1]!, add: cuts[i]! >= lo && cuts[i + 1]! <= hi, sub: target });
    };
    for (let b = cal.index(lo); cal.start(b) < hi; b++) {
      const bs = cal.start(b);
      const be = cal.start(b + 1);
      const s = Math.max(bs, lo);
      const e = Math.min(be, hi);
      // The time bucket the block counts for: its (in-range) middle's day in the query's zone.
      let target = 0;
      let keepLo = s;
      let keepHi = e;
      if (byTime) {
        target = z.dayIndex(s + Math.floor((e - s) / 2));
        keepLo = Math.max(s, z.startOfDay(target));
        keepHi = Math.min(e, z.startOfDay(target + 1));
      }
      if (be - bs - (keepHi - keepLo) < e - s) {
        blocks.push({ index: b, target });
        if (bs < keepLo) piecesOf(bs, keepLo, target);
        if (keepHi < be) piecesOf(keepHi, be, target);
      } else {
        pieces.push({ lo: s, hi: e, add: true, sub: null });
      }
    }
  } else {
    pieces.push({ lo, hi, add: true, sub: null });
  }

  const db = ledger.db;
  const dimSelect = (t: Table) => otherDims.map((d) => (t.emptyIsNull && (d === 'key' || d === 'agent') ? `NULLIF(${COLUMN[d]}, '')` : COLUMN[d]));
  const filterSql = (t: Table, where: string[], args: unknown[]) => {
    for (const [dim, value] of filters) {
      if (value === undefined) continue;
      // '' stands for "none" in the rollups; the calls hold no '' key or agent, so nothing matches it.
      if (value === '' && t.emptyIsNull && (dim === 'key' || dim === 'agent')) where.push('0');
      else {
        where.push(`${COLUMN[dim]} = ?`);
        args.push(value);
      }
    }
  };
  const timeKeys = new Map<number, { id: string; key: Record<string, string> }>();
  const timeKey = (target: number) => {
    let k = timeKeys.get(target);
    if (!k) {
      const key: Record<string, string> = {};
      for (const g of timeDims) key[g] = g === 'day' ? dayLabel(target) : g === 'week' ? dayLabel(isoWeekStart(target)) : dayLabel(target).slice(0, 7);
      k = { id: JSON.stringify(timeDims.map((g) => key[g])), key };
      timeKeys.set(target, k);
    }
    return k;
  };
  /** Adds a result row (dimension values from `first`, aggregates after them) to its group. */
  const collect = (r: unknown[], first: number, target: number, sign: number) => {
    addRow(totals, r, first + otherDims.length, sign);
    if (groupBy.length === 0) return;
    const tk = byTime ? timeKey(target) : null;
    const values = otherDims.map((_, i) => {
      const v = r[first + i];
      return v === null || v === undefined ? null : String(v);
    });
    const id = `${tk?.id ?? ''}|${JSON.stringify(values)}`;
    let g = groups.get(id);
    if (!g) {
      const key: Record<string, string | null> = {};
      for (const dim of groupBy) key[dim] = TIME_DIMS.has(dim) ? tk!.key[dim]! : values[otherDims.indexOf(dim as Dim)]!;
      g = { key, sums: zero() };
      groups.set(id, g);
    }
    addRow(g.sums, r, first + otherDims.length, sign);
  };
  /** Reads [a, b) of a table (bounds on its buckets) grouped by the dimensions, optionally by a day column first. */
  const read = (t: Table, a: number, b: number, day: string | null) => {
    // Bounds as parameters: one prepared statement serves every piece of a query.
    const where = [`${t.col} >= ?`, `${t.col} < ?`];
    const args: unknown[] = [a, b];
    if (t.name === 'calls') where.push("status <> 'reserved'");
    filterSql(t, where, args);
    const select = [...(day ? [day] : []), ...dimSelect(t)];
    const group = select.map((_, i) => String(i + 1));
    used.add(t.name);
    return prepared(db, `SELECT ${[...select, t.agg].join(', ')} FROM ${t.sql} WHERE ${where.join(' AND ')}${group.length ? ` GROUP BY ${group.join(', ')}` : ''}`).all(
      ...args,
    ) as unknown[][];
  };

  // Whole day buckets: consecutive ones in one statement each.
  if (coarse) {
    for (let i = 0; i < blocks.length; ) {
      let j = i + 1;
      while (j < blocks.length && blocks[j]!.index === blocks[j - 1]!.index + 1) j++;
      const run = blocks.slice(i, j);
      const first = run[0]!.index;
      for (const r of read(coarse, first, first + run.length, byTime ? coarse.col : null)) {
        collect(r, byTime ? 1 : 0, byTime ? run[Number(r[0]) - first]!.target : 0, 1);
      }
      i = j;
    }
  }

  // The rest from the bucketed tables, each piece split where the query's days change (so every
  // bucket read belongs to one day), then into whole quarters and single calls.
  const callsOnly = fine.length === 1;
  for (const p of mergePieces(pieces)) {
    const parts: Array<{ lo: number; hi: number }> = [];
    // One statement over a long calls-only range, with its days computed in SQL.
    const dayInSql = byTime && callsOnly && !coarse;
    if (byTime && !dayInSql) {
      for (let a = p.lo; a < p.hi; ) {
        const b = Math.min(p.hi, z.startOfDay(z.dayIndex(a) + 1));
        parts.push({ lo: a, hi: b });
        a = b;
      }
    } else parts.push({ lo: p.lo, hi: p.hi });
    for (const part of parts) {
      const target = byTime && !dayInSql ? z.dayIndex(part.lo) : 0;
      for (const seg of levels(part.lo, part.hi, fine)) {
        const day = dayInSql ? localDaySql(z, 'time', seg.lo, seg.hi) : null;
        // A rollup a day at a time: SQLite sorts to group, and many small sorts beat one large one (~2× on months of quarters).
        const step = seg.table.name === 'calls' ? Infinity : DAY_MS;
        for (let a = seg.lo; a < seg.hi; a += step) {
          const b = Math.min(seg.hi, a + step);
          for (const r of read(seg.table, a / seg.table.unit, b / seg.table.unit, day)) {
            const own = day ? Number(r[0]) : target;
            const first = day ? 1 : 0;
            if (p.add) collect(r, first, own, 1);
            if (p.sub !== null) collect(r, first, p.sub, -1);
          }
        }
      }
    }
  }
  return result();
}

/** Whether every local day starting in [lo, hi) starts on a quarter hour. */
function daysOnQuarters(cal: Calendar, lo: number, hi: number): boolean {
  for (let b = cal.index(lo); cal.start(b) < hi; b++) if (cal.start(b) % QUARTER_MS !== 0) return false;
  return true;
}

/** Adjacent pieces that count the same way, joined: fewer statements. */
function mergePieces(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    if (p.lo >= p.hi) continue;
    const last = out[out.length - 1];
    if (last && last.hi === p.lo && last.add === p.add && last.sub === p.sub) last.hi = p.hi;
    else out.push({ ...p });
  }
  return out;
}

/** [lo, hi) as whole buckets of the coarsest table that fits, the ragged ends from finer ones. */
function levels(lo: number, hi: number, tables: Table[]): Array<{ table: Table; lo: number; hi: number }> {
  const out: Array<{ table: Table; lo: number; hi: number }> = [];
  const split = (a: number, b: number, i: number) => {
    if (a >= b) return;
    const t = tables[i]!;
    if (i === tables.length - 1) {
      out.push({ table: t, lo: a, hi: b });
      return;
    }
    const first = Math.ceil(a / t.unit) * t.unit;
    const last = Math.floor(b / t.unit) * t.unit;
    if (first >= last) return split(a, b, i + 1);
    split(a, first, i + 1);
    out.push({ table: t, lo: first, hi: last });
    split(last, b, i + 1);
  };
  split(lo, hi, 0);
  return out;
}
