import { AppError, type GroupBy, type TimeInput, type UsageGroup, type UsageTotals } from '../../../shared/contract/index.js';
import { nanoToUsd } from '../../../shared/cost.js';
import type { Ledger } from './ledger.js';
import { dayLabel, isoWeekStart, isValidTimeZone, localDaySql, QUARTER_MS, zone, type Zone } from './time-zone.js';

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
  /** Which tables answered, e.g. "calls+day+calls": the day rollup, the 15-minute rollup, the calls (for tests and benchmarks). */
  plan: string;
}

const TIME_DIMS = new Set<GroupBy>(['day', 'week', 'month']);
const COLUMN: Record<Exclude<GroupBy, 'day' | 'week' | 'month'>, string> = {
  provider: 'provider',
  model: 'model',
  key: 'key_id',
  agent: 'agent',
  session: 'session_id',
  source: 'source',
  status: 'status',
};

export function resolveZone(name: string): Zone {
  if (!isValidTimeZone(name)) throw new AppError('VALIDATION', `timeZone: "${name}" is not a known IANA time zone (e.g. Europe/Berlin).`, { field: 'timeZone' });
  return zone(name);
}

/**
 * A time bound in ms. A date without time means a whole local day in the query's zone: `from`
 * is that day's start, `to` the next day's start, so {from: d, to: d} is exactly day d.
 */
export function boundMs(value: TimeInput | undefined, edge: 'from' | 'to', z: Zone, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const day = Math.floor(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) / 86_400_000);
    return z.startOfDay(edge === 'from' ? day : day + 1);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION', `${field}: not a date or time`, { field });
  return ms;
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

function add(into: Sums, s: Sums): void {
  into.calls += s.calls;
  into.input += s.input;
  into.cacheRead += s.cacheRead;
  into.cacheWrite += s.cacheWrite;
  into.output += s.output;
  into.reasoning += s.reasoning;
  into.costNano += s.costNano;
  into.unknown += s.unknown;
  into.errors += s.errors;
  into.estimated += s.estimated;
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

// Aggregates in a fixed order: calls, input, cache read, cache write, output, reasoning, cost
// (nano-USD), unknown-cost calls, errors, estimated calls.
const ROLLUP_AGG = `SUM(calls), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
  SUM(reasoning_tokens), SUM(cost_nusd), SUM(unknown_cost_calls), SUM(CASE WHEN status = 'error' THEN calls ELSE 0 END), SUM(estimated_calls)`;
const CALLS_AGG = `COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
  SUM(reasoning_tokens), COALESCE(SUM(cost_nusd), 0), SUM(cost_nusd IS NULL), SUM(status = 'error'), SUM(estimated)`;

type Table = 'day' | 'quarter' | 'calls';
interface Part {
  table: Table;
  from: number | undefined;
  to: number | undefined;
}

/**
 * Splits [from, to) so that as much as possible is read from a rollup: the aligned interior from
 * the rollup, the partial days (or quarters) at the edges from the calls table through its time
 * index. "Last 7 days" ending now is then six and a bit rollup days, not a scan of every call.
 */
function planParts(from: number | undefined, to: number | undefined, table: 'day' | 'quarter', floor: (t: number) => number, next: (t: number) => number): Part[] {
  const lo = from === undefined ? undefined : floor(from) === from ? from : next(from);
  const hi = to === undefined ? undefined : floor(to);
  if (lo !== undefined && hi !== undefined && lo >= hi) return [{ table: 'calls', from, to }];
  const parts: Part[] = [];
  if (from !== undefined && lo !== from) parts.push({ table: 'calls', from, to: lo });
  parts.push({ table, from: lo, to: hi });
  if (to !== undefined && hi !== to) parts.push({ table: 'calls', from: hi, to });
  return parts;
}

/**
 * usage.query: settled calls (reservations of running calls are not usage yet) grouped by any of
 * the dimensions, with day/week/month in the query's time zone (ISO weeks, starting Monday).
 *
 * Answered from the smallest table that is exact for the question: the day rollup (kept in the
 * limits time zone; no agent or session), the 15-minute UTC rollup (any zone; no session), else
 * the calls; a range that does not start and end on a boundary takes its edges from the calls.
 */
export function queryUsage(ledger: Ledger, input: UsageQueryInput, defaultZone: string, force?: 'quarter' | 'calls'): UsageQueryResult {
  const z = resolveZone(input.timeZone ?? defaultZone);
  const from = boundMs(input.from, 'from', z, 'from');
  const to = boundMs(input.to, 'to', z, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new AppError('VALIDATION', 'from: must not be after to', { field: 'from' });

  const groupBy = [...new Set(input.groupBy)];
  const timeDims = groupBy.filter((g) => TIME_DIMS.has(g));
  const otherDims = groupBy.filter((g): g is keyof typeof COLUMN => !TIME_DIMS.has(g));
  const needsSession = otherDims.includes('session') || input.sessionId !== undefined;
  const needsAgent = otherDims.includes('agent') || input.agent !== undefined;

  let parts: Part[];
  if (needsSession || force === 'calls') parts = [{ table: 'calls', from, to }];
  else if (!needsAgent && z.name === ledger.timeZone && force !== 'quarter') {
    parts = planParts(from, to, 'day', (t) => z.startOfDay(z.dayIndex(t)), (t) => z.startOfDay(z.dayIndex(t) + 1));
  } else {
    parts = planParts(from, to, 'quarter', (t) => Math.floor(t / QUARTER_MS) * QUARTER_MS, (t) => (Math.floor(t / QUARTER_MS) + 1) * QUARTER_MS);
  }

  // Offsets are looked up over the whole range the data covers, once for all parts.
  let segFrom = from;
  let segTo = to;
  if (timeDims.length > 0 && (segFrom === undefined || segTo === undefined)) {
    const range = ledger.db.prepare('SELECT (SELECT MIN(time) FROM calls) AS lo, (SELECT MAX(time) FROM calls) AS hi').get() as { lo: number | null; hi: number | null };
    segFrom ??= Math.floor((range.lo ?? 0) / QUARTER_MS) * QUARTER_MS;
    segTo ??= (range.hi ?? 0) + 1;
  }

  const filters: Array<[string, string | undefined]> = [
    ['provider', input.provider],
    ['model', input.model],
    ['key_id', input.keyId],
    ['agent', input.agent],
    ['session_id', input.sessionId],
  ];
  // Coarsest time bucket SQL can group by: the Monday of the ISO week as a day index, or the
  // month as YYYY-MM; with several time dimensions, days (the others are derived from them).
  const timeBucket = timeDims.length === 1 && timeDims[0] === 'week' ? 'week' : timeDims.length === 1 && timeDims[0] === 'month' ? 'month' : 'day';

  const totals = zero();
  const groups = new Map<string, { key: Record<string, string | null>; sums: Sums }>();
  for (const part of parts) {
    const where: string[] = [];
    const args: unknown[] = [];
    let dayExpr = '';
    const lo = segFrom ?? 0;
    const hi = Math.max(lo + 1, segTo ?? lo + 1);
    if (part.table === 'day') {
      if (part.from !== undefined) where.push(`day >= ${z.dayIndex(part.from)}`);
      if (part.to !== undefined) where.push(`day < ${z.dayIndex(part.to)}`);
      dayExpr = 'day';
    } else if (part.table === 'quarter') {
      if (part.from !== undefined) where.push(`bucket >= ${part.from / QUARTER_MS}`);
      if (part.to !== undefined) where.push(`bucket < ${part.to / QUARTER_MS}`);
      if (timeDims.length > 0) dayExpr = localDaySql(z, `bucket * ${QUARTER_MS}`, lo, hi);
    } else {
      where.push("status <> 'reserved'");
      if (part.from !== undefined) where.push(`time >= ${part.from}`);
      if (part.to !== undefined) where.push(`time < ${part.to}`);
      if (timeDims.length > 0) dayExpr = localDaySql(z, 'time', lo, hi);
    }
    const rollup = part.table !== 'calls';
    for (const [col, value] of filters) {
      if (value === undefined) continue;
      where.push(`${col} = ?`);
      args.push(value);
    }
    const select: string[] = [];
    const group: string[] = [];
    if (timeDims.length > 0) {
      const d = `(${dayExpr})`;
      select.push(timeBucket === 'week' ? `((${d} + 3) / 7) * 7 - 3` : timeBucket === 'month' ? `strftime('%Y-%m', ${d} * 86400, 'unixepoch')` : d);
      group.push('1');
    }
    for (const dim of otherDims) {
      const col = COLUMN[dim];
      // The rollups store a missing key or agent as '' so it can be part of their primary key.
      select.push(rollup && (col === 'key_id' || col === 'agent') ? `NULLIF(${col}, '')` : col);
      group.push(String(select.length));
    }
    const table = part.table === 'day' ? 'rollup_day' : part.table === 'quarter' ? 'rollup_q' : 'calls';
    const sql = `SELECT ${[...select, rollup ? ROLLUP_AGG : CALLS_AGG].join(', ')} FROM ${table}
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ${group.length ? 'GROUP BY ' + group.join(', ') : ''}`;
    // Raw rows (arrays): building an object per row costs more than the query itself in libsql.
    const rows = ledger.db.prepare(sql).raw(true).all(...args) as unknown[][];
    const first = select.length;
    for (const r of rows) {
      const n = (i: number) => Number(r[first + i] ?? 0);
      const s: Sums = {
        calls: n(0),
        input: n(1),
        cacheRead: n(2),
        cacheWrite: n(3),
        output: n(4),
        reasoning: n(5),
        costNano: n(6),
        unknown: n(7),
        errors: n(8),
        estimated: n(9),
      };
      if (s.calls === 0) continue;
      add(totals, s);
      if (groupBy.length === 0) continue;
      const key: Record<string, string | null> = {};
      const t = timeDims.length > 0 ? r[0] : null;
      const d = typeof t === 'number' ? t : null;
      for (const dim of groupBy) {
        if (dim === 'day') key.day = d === null ? null : dayLabel(d);
        else if (dim === 'week') key.week = d === null ? null : dayLabel(isoWeekStart(d));
        else if (dim === 'month') key.month = typeof t === 'string' ? t : d === null ? null : dayLabel(d).slice(0, 7);
        else {
          const v = r[(timeDims.length > 0 ? 1 : 0) + otherDims.indexOf(dim)];
          key[dim] = v === null || v === undefined ? null : String(v);
        }
      }
      const id = JSON.stringify(groupBy.map((g) => key[g]));
      const hit = groups.get(id);
      if (hit) add(hit.sums, s);
      else groups.set(id, { key, sums: { ...s } });
    }
  }
  const ordered = [...groups.values()].sort((a, b) => {
    for (const g of groupBy) {
      const x = a.key[g] ?? '';
      const y = b.key[g] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return {
    groups: ordered.map((g) => ({ key: g.key, ...totalsOf(g.sums) })),
    totals: totalsOf(totals),
    timeZone: z.name,
    plan: parts.map((p) => p.table).join('+'),
  };
}
