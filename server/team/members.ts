import { randomUUID } from 'node:crypto';
import { ChangeFeed, notifyChange } from '../db/change-feed.js';
import { inTransaction, type Db } from '../db/pool.js';
import { ApiError } from '../http/errors.js';
import { newToken, tokenHash } from '../security/tokens.js';

export type Role = 'owner' | 'admin' | 'member';

export interface Member {
  id: string;
  name: string;
  role: Role;
}

export interface MemberLimits {
  dailyTokens: number | null;
  /** USD. */
  monthlyUsd: number | null;
}

export interface MemberView extends Member {
  limits: MemberLimits;
  used: { dailyTokens: number; monthlyUsd: number };
  createdAt: string;
  tokenExpiresAt: string | null;
  lastUsedAt: string | null;
}

const NANO = 1e9;
/** An authenticated token is trusted this long before it is looked up again (a revocation reaches every replica at once through the change feed). */
const AUTH_CACHE_MS = 60_000;
const AUTH_CACHE_MAX = 10_000;
/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 60_000;

interface AuthEntry {
  member: Member;
  tokenId: string;
  expiresAt: number | null;
  at: number;
}

/** Members, their tokens (kept as hashes) and their limits. */
export class Members {
  private readonly auth = new Map<string, AuthEntry>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly feed: ChangeFeed,
  ) {
    feed.on((topic) => {
      if (topic === 'tokens' || topic === '*') this.auth.clear();
    });
  }

  /** The member a bearer token belongs to, or null (unknown, revoked, expired, or the member removed). */
  async authenticate(token: string): Promise<Member | null> {
    const hash = tokenHash(token);
    const k = hash.toString('base64');
    const now = Date.now();
    const hit = this.auth.get(k);
    if (hit && now - hit.at < AUTH_CACHE_MS && this.feed.live && (hit.expiresAt === null || hit.expiresAt > now)) {
      this.touch(hit.tokenId, now);
      return hit.member;
    }
    this.auth.delete(k);
    const r = await this.db.query<{ id: string; name: string; role: Role; token_id: string; expires_at: Date | null }>({
      name: 'sb_auth',
      text: `SELECT m.id, m.name, m.role, t.id AS token_id, t.expires_at
             FROM member_tokens t JOIN members m ON m.id = t.member_id
             WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND m.removed_at IS NULL`,
      values: [hash],
    });
    const row = r.rows[0];
    if (!row) return null;
    const member: Member = { id: row.id, name: row.name, role: row.role };
    if (this.feed.live) {
      if (this.auth.size >= AUTH_CACHE_MAX) this.auth.delete(this.auth.keys().next().value!);
      this.auth.set(k, { member, tokenId: row.token_id, expiresAt: row.expires_at ? row.expires_at.getTime() : null, at: now });
    }
    this.touch(row.token_id, now);
    return member;
  }

  private touch(tokenId: string, now: number): void {
    const last = this.touched.get(tokenId) ?? 0;
    if (now - last < TOUCH_EVERY_MS) return;
    this.touched.set(tokenId, now);
    if (this.touched.size > AUTH_CACHE_MAX) this.touched.delete(this.touched.keys().next().value!);
    this.db.query('UPDATE member_tokens SET last_used_at = now() WHERE id = $1', [tokenId]).catch(() => {});
  }

  async create(actor: Member, input: { name: string; role: 'member' | 'admin'; expiresInDays?: number | undefined }): Promise<{ id: string; token: string }> {
    if (input.role === 'admin' && actor.role !== 'owner') throw new ApiError(403, 'PERMISSION_DENIED', 'Only the owner can add admins.');
    const id = randomUUID();
    const token = newToken();
    await inTransaction(this.db, async (c) => {
      await c.query('INSERT INTO members (id, name, role) VALUES ($1, $2, $3)', [id, input.name, input.role]);
      await c.query(
        `INSERT INTO member_tokens (id, member_id, hash, expires_at) VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END)`,
        [randomUUID(), id, tokenHash(token), input.expiresInDays ?? null],
      );
      await audit(c, actor.id, 'member.created', id, { name: input.name, role: input.role });
    });
    return { id, token };
  }

  /** A new token for the member; every earlier one stops working at once. */
  async issueToken(actor: Member, id: string, expiresInDays: number | undefined): Promise<{ token: string; expiresAt: string | null }> {
    const target = await this.mayManage(actor, id);
    const token = newToken();
    const expires = await inTransaction(this.db, async (c) => {
      await c.query('UPDATE member_tokens SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL', [target.id]);
      const r = await c.query<{ expires_at: Date | null }>(
        `INSERT INTO member_tokens (id, member_id, hash, expires_at) VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END) RETURNING expires_at`,
        [randomUUID(), target.id, tokenHash(token), expiresInDays ?? null],
      );
      await audit(c, actor.id, 'member.token_issued', target.id, { expiresInDays: expiresInDays ?? null });
      await notifyChange(c, 'tokens');
      return r.rows[0]?.expires_at ?? null;
    });
    this.auth.clear();
    return { token, expiresAt: expires ? expires.toISOString() : null };
  }

  /** Removes a member: their tokens stop working at once; their usage stays in reports. */
  async remove(actor: Member, id: string): Promise<void> {
    const target = await this.mayManage(actor, id);
    if (target.role === 'owner') throw new ApiError(403, 'PERMISSION_DENIED', 'The owner cannot be removed.');
    await inTransaction(this.db, async (c) => {
      await c.query('UPDATE members SET removed_at = now() WHERE id = $1', [target.id]);
      await c.query('UPDATE member_tokens SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL', [target.id]);
      await audit(c, actor.id, 'member.removed', target.id, {});
      await notifyChange(c, 'tokens');
    });
    this.auth.clear();
  }

  async setLimits(actor: Member, id: string, limits: { dailyTokens?: number | null | undefined; monthlyUsd?: number | null | undefined }): Promise<MemberView> {
    const target = await this.mayManage(actor, id);
    await inTransaction(this.db, async (c) => {
      if (limits.dailyTokens !== undefined) await c.query('UPDATE members SET daily_tokens = $1 WHERE id = $2', [limits.dailyTokens, target.id]);
      if (limits.monthlyUsd !== undefined) {
        await c.query('UPDATE members SET monthly_usd_nano = $1 WHERE id = $2', [limits.monthlyUsd === null ? null : Math.round(limits.monthlyUsd * NANO), target.id]);
      }
      await audit(c, actor.id, 'member.limits', target.id, limits);
    });
    return (await this.view(target.id))!;
  }

  /** The member as admins and the member themself see them: limits and what is used of them now. */
  async view(id: string): Promise<MemberView | null> {
    return (await this.list({ id }))[0] ?? null;
  }

  async list(filter: { id?: string } = {}): Promise<MemberView[]> {
    const r = await this.db.query<{
      id: string;
      name: string;
      role: Role;
      daily_tokens: number | null;
      monthly_usd_nano: number | null;
      created_at: Date;
      day_used: number | null;
      month_used: number | null;
      token_expires_at: Date | null;
      last_used_at: Date | null;
    }>(
      /* sql */ `
      WITH w AS (
        SELECT (clock_timestamp() AT TIME ZONE time_zone)::date AS day,
               date_trunc('month', clock_timestamp() AT TIME ZONE time_zone)::date AS month
        FROM team WHERE id = 1
      )
      SELECT m.id, m.name, m.role, m.daily_tokens, m.monthly_usd_nano, m.created_at,
        (SELECT d.used + d.reserved FROM budget_counters d WHERE d.scope = 'member_day_tokens' AND d.subject = m.id::text AND d.window_start = w.day) AS day_used,
        (SELECT mo.used + mo.reserved FROM budget_counters mo WHERE mo.scope = 'member_month_usd' AND mo.subject = m.id::text AND mo.window_start = w.month) AS month_used,
        (SELECT max(t.expires_at) FROM member_tokens t WHERE t.member_id = m.id AND t.revoked_at IS NULL) AS token_expires_at,
        (SELECT max(t.last_used_at) FROM member_tokens t WHERE t.member_id = m.id) AS last_used_at
      FROM members m, w
      WHERE m.removed_at IS NULL AND ($1::uuid IS NULL OR m.id = $1::uuid)
      ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, lower(m.name), m.created_at`,
      [filter.id ?? null],
    );
    return r.rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role,
      limits: { dailyTokens: row.daily_tokens, monthlyUsd: row.monthly_usd_nano === null ? null : row.monthly_usd_nano / NANO },
      used: { dailyTokens: row.day_used ?? 0, monthlyUsd: (row.month_used ?? 0) / NANO },
      createdAt: row.created_at.toISOString(),
      tokenExpiresAt: row.token_expires_at ? row.token_expires_at.toISOString() : null,
      lastUsedAt: row.last_used_at ? row.last_used_at.toISOString() : null,
    }));
  }

  /** The member `id`, when `actor` may manage them: admins manage members, only the owner manages admins. */
  private async mayManage(actor: Member, id: string): Promise<Member> {
    const r = await this.db.query<Member>('SELECT id, name, role FROM members WHERE id = $1 AND removed_at IS NULL', [id]);
    const target = r.rows[0];
    if (!target) throw new ApiError(404, 'NOT_FOUND', `No member with id ${id}.`, { param: 'id' });
    if (actor.role !== 'owner' && target.role !== 'member' && target.id !== actor.id) {
      throw new ApiError(403, 'PERMISSION_DENIED', 'Only the owner can change admins and the owner.');
    }
    return target;
  }
}

export async function audit(c: Pick<Db, 'query'>, actor: string | null, action: string, subject: string | null, detail: unknown): Promise<void> {
  await c.query('INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4)', [actor, action, subject, JSON.stringify(detail)]);
}
