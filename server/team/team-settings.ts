import type { ProviderId } from '../../shared/contract/index.js';
import { ChangeFeed, Cached, notifyChange } from '../db/change-feed.js';
import { inTransaction, type Db } from '../db/pool.js';

export interface ModelRef {
  provider: ProviderId;
  model: string;
}

export interface TeamSettings {
  uid: string;
  name: string;
  timeZone: string;
  /** The team's monthly cap in nano-USD; null: none. */
  monthlyUsdNano: number | null;
  default: ModelRef | null;
  /** Models members may ask for besides the default (the default is always allowed). */
  allowed: ModelRef[];
}

export function modelKey(m: ModelRef): string {
  return `${m.provider}/${m.model}`;
}

/** The team's settings, read from the database and cached until any replica changes them. */
export class TeamSettingsStore {
  private readonly cached: Cached<TeamSettings>;

  constructor(
    private readonly db: Db,
    feed: ChangeFeed,
  ) {
    this.cached = new Cached(() => this.load(), feed, 'team');
  }

  get(): Promise<TeamSettings> {
    return this.cached.get();
  }

  /** Every model a member may use: the default first, then the allowed ones. */
  async usable(): Promise<ModelRef[]> {
    const s = await this.get();
    const out = s.default ? [s.default] : [];
    for (const m of s.allowed) if (!out.some((o) => modelKey(o) === modelKey(m))) out.push(m);
    return out;
  }

  private async load(): Promise<TeamSettings> {
    const [team, allowed] = await Promise.all([
      this.db.query<{ uid: string; name: string; time_zone: string; monthly_usd_nano: number | null; default_provider: string | null; default_model: string | null }>(
        'SELECT uid, name, time_zone, monthly_usd_nano, default_provider, default_model FROM team WHERE id = 1',
      ),
      this.db.query<{ provider: string; model: string }>('SELECT provider, model FROM allowed_models ORDER BY provider, model'),
    ]);
    const t = team.rows[0];
    if (!t) throw new Error('the team row is missing');
    return {
      uid: t.uid,
      name: t.name,
      timeZone: t.time_zone,
      monthlyUsdNano: t.monthly_usd_nano,
      default: t.default_provider && t.default_model ? { provider: t.default_provider as ProviderId, model: t.default_model } : null,
      allowed: allowed.rows.map((r) => ({ provider: r.provider as ProviderId, model: r.model })),
    };
  }

  async setModels(actor: string, def: ModelRef, allowed: ModelRef[] | undefined): Promise<void> {
    await inTransaction(this.db, async (c) => {
      await c.query('UPDATE team SET default_provider = $1, default_model = $2 WHERE id = 1', [def.provider, def.model]);
      if (allowed) {
        await c.query('DELETE FROM allowed_models');
        for (const m of allowed) {
          await c.query('INSERT INTO allowed_models (provider, model) VALUES ($1, $2) ON CONFLICT DO NOTHING', [m.provider, m.model]);
        }
      }
      await c.query("INSERT INTO audit_log (actor, action, detail) VALUES ($1, 'models.set', $2)", [actor, JSON.stringify({ default: def, allowed: allowed ?? null })]);
      await notifyChange(c, 'team');
    });
    this.cached.invalidate();
  }

  /**
   * Name, monthly cap and time zone. A new time zone moves every budget window: the counters of the
   * current day and month are recomputed from the calls in them, under the team counter's lock, so no
   * admission runs meanwhile.
   */
  async update(actor: string, change: { name?: string; timeZone?: string; monthlyUsdNano?: number | null }): Promise<void> {
    await inTransaction(this.db, async (c) => {
      await c.query("SELECT 1 FROM budget_counters WHERE scope = 'team_month_usd' AND subject = '' FOR UPDATE");
      if (change.name !== undefined) await c.query('UPDATE team SET name = $1 WHERE id = 1', [change.name]);
      if (change.monthlyUsdNano !== undefined) await c.query('UPDATE team SET monthly_usd_nano = $1 WHERE id = 1', [change.monthlyUsdNano]);
      if (change.timeZone !== undefined) {
        const before = await c.query<{ time_zone: string }>('SELECT time_zone FROM team WHERE id = 1');
        if (before.rows[0]?.time_zone !== change.timeZone) {
          await c.query('UPDATE team SET time_zone = $1 WHERE id = 1', [change.timeZone]);
          await recountWindows(c);
        }
      }
      await c.query("INSERT INTO audit_log (actor, action, detail) VALUES ($1, 'team.update', $2)", [actor, JSON.stringify(change)]);
      await notifyChange(c, 'team');
    });
    this.cached.invalidate();
  }
}

/** Recomputes every counter for the current windows of the team's (new) time zone, and the windows of open calls. */
async function recountWindows(c: Pick<Db, 'query'>): Promise<void> {
  await c.query(/* sql */ `
    WITH w AS (
      SELECT (clock_timestamp() AT TIME ZONE time_zone)::date AS day,
             date_trunc('month', clock_timestamp() AT TIME ZONE time_zone)::date AS month,
             time_zone AS tz
      FROM team WHERE id = 1
    )
    UPDATE calls SET day = (calls.time AT TIME ZONE w.tz)::date,
                     month = date_trunc('month', calls.time AT TIME ZONE w.tz)::date
    FROM w WHERE calls.status = 'reserved'`);
  await c.query(/* sql */ `
    WITH w AS (
      SELECT (clock_timestamp() AT TIME ZONE time_zone)::date AS day,
             date_trunc('month', clock_timestamp() AT TIME ZONE time_zone)::date AS month,
             time_zone AS tz
      FROM team WHERE id = 1
    ),
    per AS (
      SELECT c.member_id::text AS subject,
        sum(CASE WHEN (c.time AT TIME ZONE w.tz)::date = w.day AND c.status <> 'reserved'
                 THEN c.input_tokens + c.cache_read_tokens + c.cache_write_tokens + c.output_tokens ELSE 0 END) AS day_used,
        sum(CASE WHEN (c.time AT TIME ZONE w.tz)::date = w.day AND c.status = 'reserved' THEN c.reserved_tokens ELSE 0 END) AS day_reserved,
        sum(CASE WHEN c.status <> 'reserved' THEN coalesce(c.cost_nano, 0) ELSE 0 END) AS month_used,
        sum(CASE WHEN c.status = 'reserved' THEN coalesce(c.reserved_nano, 0) ELSE 0 END) AS month_reserved
      FROM calls c, w
      WHERE date_trunc('month', c.time AT TIME ZONE w.tz)::date = w.month
      GROUP BY c.member_id
    ),
    reset AS (
      UPDATE budget_counters b SET
        window_start = CASE WHEN b.scope = 'member_day_tokens' THEN w.day ELSE w.month END,
        used = coalesce(CASE b.scope WHEN 'member_day_tokens' THEN per.day_used WHEN 'member_month_usd' THEN per.month_used
                   ELSE (SELECT sum(month_used) FROM per) END, 0),
        reserved = coalesce(CASE b.scope WHEN 'member_day_tokens' THEN per.day_reserved WHEN 'member_month_usd' THEN per.month_reserved
                   ELSE (SELECT sum(month_reserved) FROM per) END, 0)
      FROM w, budget_counters b2 LEFT JOIN per ON per.subject = b2.subject
      WHERE b2.scope = b.scope AND b2.subject = b.subject
      RETURNING 1
    )
    SELECT count(*) FROM reset`);
}
