import type { Db } from '../db/pool.js';
import type { Range } from './range.js';

const NANO = 1e9;

export interface UsageSums {
  calls: number;
  tokens: number;
  costUsd: number;
  /** Calls whose price was unknown: their cost is not in costUsd. */
  unknownCostCalls: number;
}

export interface MemberUsage extends UsageSums {
  id: string;
  name: string;
  role: string;
  removed: boolean;
  /** Calls through this server (charged against budgets). */
  server: UsageSums;
  /** Usage uploaded by the member's apps (reported only). */
  synced: UsageSums;
}

export interface UsageReport {
  from: string;
  to: string;
  timeZone: string;
  totals: UsageSums;
  members: MemberUsage[];
}

/**
 * Billed tokens of a row: input, cache read, cache write and output (reasoning is inside output).
 * The same sum is charged against daily token budgets (sb_settle).
 */
const TOKENS = 'input_tokens + cache_read_tokens + cache_write_tokens + output_tokens';

/** GET /api/admin/usage: per member, calls through the server and usage synced from their apps. */
export async function usageReport(db: Db, range: Range): Promise<UsageReport> {
  const r = await db.query<{
    id: string;
    name: string;
    role: string;
    removed: boolean;
    s_calls: number;
    s_tokens: number;
    s_nano: number;
    s_unknown: number;
    y_calls: number;
    y_tokens: number;
    y_nano: number;
    y_unknown: number;
  }>(
    /* sql */ `
    WITH s AS (
      SELECT member_id, count(*) AS calls, sum(${TOKENS}) AS tokens, sum(cost_nano) AS nano, count(*) FILTER (WHERE cost_nano IS NULL) AS unknown
      FROM calls WHERE status <> 'reserved' AND time >= $1 AND time < $2 GROUP BY member_id
    ), y AS (
      SELECT member_id, count(*) AS calls, sum(${TOKENS}) AS tokens, sum(cost_nano) AS nano, count(*) FILTER (WHERE cost_nano IS NULL) AS unknown
      FROM synced_usage WHERE time >= $1 AND time < $2 GROUP BY member_id
    )
    SELECT m.id, m.name, m.role, m.removed_at IS NOT NULL AS removed,
      coalesce(s.calls, 0)::bigint AS s_calls, coalesce(s.tokens, 0)::bigint AS s_tokens, coalesce(s.nano, 0)::bigint AS s_nano, coalesce(s.unknown, 0)::bigint AS s_unknown,
      coalesce(y.calls, 0)::bigint AS y_calls, coalesce(y.tokens, 0)::bigint AS y_tokens, coalesce(y.nano, 0)::bigint AS y_nano, coalesce(y.unknown, 0)::bigint AS y_unknown
    FROM members m LEFT JOIN s ON s.member_id = m.id LEFT JOIN y ON y.member_id = m.id
    WHERE m.removed_at IS NULL OR s.calls IS NOT NULL OR y.calls IS NOT NULL
    ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, lower(m.name), m.created_at`,
    [new Date(range.from), new Date(range.to)],
  );
  const totals = zero();
  const members = r.rows.map((row) => {
    const server = sums(row.s_calls, row.s_tokens, row.s_nano, row.s_unknown);
    const synced = sums(row.y_calls, row.y_tokens, row.y_nano, row.y_unknown);
    const all = add(add(zero(), server), synced);
    add(totals, all);
    return { id: row.id, name: row.name, role: row.role, removed: row.removed, ...all, server, synced };
  });
  return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), timeZone: range.timeZone, totals: rounded(totals), members: members.map((m) => ({ ...m, ...rounded(m) })) };
}

export interface DailyRow {
  day: string;
  memberId: string;
  provider: string;
  model: string;
  origin: 'server' | 'synced';
  calls: number;
  tokens: number;
  costUsd: number;
}

/** Per day (team time zone) × member × model × origin: what the admin page's charts are drawn from. */
export async function dailyUsage(db: Db, range: Range): Promise<DailyRow[]> {
  const r = await db.query<{ day: string; member_id: string; provider: string; model: string; origin: 'server' | 'synced'; calls: number; tokens: number; nano: number }>(
    /* sql */ `
    SELECT (time AT TIME ZONE $3)::date AS day, member_id, provider, model, origin,
           count(*)::bigint AS calls, sum(tokens)::bigint AS tokens, coalesce(sum(cost_nano), 0)::bigint AS nano
    FROM (
      SELECT time, member_id, provider, model, 'server' AS origin, ${TOKENS} AS tokens, cost_nano
      FROM calls WHERE status <> 'reserved' AND time >= $1 AND time < $2
      UNION ALL
      SELECT time, member_id, provider, model, 'synced' AS origin, ${TOKENS} AS tokens, cost_nano
      FROM synced_usage WHERE time >= $1 AND time < $2
    ) u
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5`,
    [new Date(range.from), new Date(range.to), range.timeZone],
  );
  return r.rows.map((row) => ({
    day: row.day,
    memberId: row.member_id,
    provider: row.provider,
    model: row.model,
    origin: row.origin,
    calls: row.calls,
    tokens: row.tokens,
    costUsd: row.nano / NANO,
  }));
}

function zero(): UsageSums {
  return { calls: 0, tokens: 0, costUsd: 0, unknownCostCalls: 0 };
}

function sums(calls: number, tokens: number, nano: number, unknown: number): UsageSums {
  return { calls, tokens, costUsd: nano / NANO, unknownCostCalls: unknown };
}

function add(into: UsageSums, x: UsageSums): UsageSums {
  into.calls += x.calls;
  into.tokens += x.tokens;
  into.costUsd += x.costUsd;
  into.unknownCostCalls += x.unknownCostCalls;
  return into;
}

/** Sums of nano-USD divided once more can carry float noise: nine decimals, the ledger's precision. */
function rounded<T extends UsageSums>(x: T): T {
  return { ...x, costUsd: Math.round(x.costUsd * NANO) / NANO };
}
