import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ZERO_USAGE, type Pricing } from '../../../shared/contract/index.js';
import { createLogger } from '../../../electron/core/app/logger.js';
import type { TokenCounter } from '../../../electron/core/metering/token-counter.js';
import type { AdmitRequest } from '../../../electron/core/ports.js';
import { CallContexts, PgCallAdmission } from '../../../server/budget/admission.js';
import { callRecord } from '../../../server/usage/call-record.js';
import { Replica } from '../../../server/budget/replica.js';
import { ChangeFeed } from '../../../server/db/change-feed.js';
import { migrate } from '../../../server/db/migrate.js';
import { createPool, type Db } from '../../../server/db/pool.js';
import { masterKeyId } from '../../../server/security/master-key.js';
import { ensureTeam } from '../../../server/team/bootstrap.js';
import { Members, type Member } from '../../../server/team/members.js';
import { TeamSettingsStore } from '../../../server/team/team-settings.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';

const quiet = createLogger({ write: () => {} });
const PRICE: Pricing = { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25 }; // USD per million tokens
const noTokens = {} as TokenCounter;

let pgc: TestPostgres;
beforeAll(async () => {
  pgc = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pgc?.stop();
}, 60_000);

interface Team {
  db: Db;
  /** A second pool on the same database: another server process. */
  db2: Db;
  feed: ChangeFeed;
  members: Members;
  settings: TeamSettingsStore;
  owner: Member;
  contexts: CallContexts;
  a: PgCallAdmission;
  b: PgCallAdmission;
  replicaA: string;
  close(): Promise<void>;
}

async function team(): Promise<Team> {
  const url = await pgc.newDatabase();
  const dir = tempDir();
  const db = createPool({ url, max: 30 });
  const db2 = createPool({ url, max: 30 });
  const key = Buffer.alloc(32, 7);
  await migrate(db, () => ensureTeam(db, dir.path, { key, id: masterKeyId(key), source: 'file' }));
  const feed = new ChangeFeed(url, quiet);
  await feed.start();
  const members = new Members(db, feed);
  const owner = (await db.query<Member>("SELECT id, name, role FROM members WHERE role = 'owner'")).rows[0]!;
  const replicaA = randomUUID();
  const replicaB = randomUUID();
  await db.query('INSERT INTO replicas (id, host, pid) VALUES ($1, $3, 1), ($2, $3, 2)', [replicaA, replicaB, 'test']);
  const contexts = new CallContexts();
  return {
    db,
    db2,
    feed,
    members,
    settings: new TeamSettingsStore(db, feed),
    owner,
    contexts,
    replicaA,
    a: new PgCallAdmission(db, replicaA, contexts, noTokens, quiet),
    b: new PgCallAdmission(db2, replicaB, contexts, noTokens, quiet),
    async close() {
      await feed.close();
      await db.end();
      await db2.end();
      dir.cleanup();
    },
  };
}

async function member(t: Team, limits: { dailyTokens?: number | null; monthlyUsd?: number | null }): Promise<{ id: string; session: string }> {
  const { id } = await t.members.create(t.owner, { name: `m-${randomUUID().slice(0, 6)}`, role: 'member' });
  await t.members.setLimits(t.owner, id, limits);
  const session = `s-${id}`;
  t.contexts.set(session, { memberId: id });
  return { id, session };
}

function request(session: string, prompt: number, maxOut: number, pricing: Pricing | null = PRICE): AdmitRequest {
  return { sessionId: session, agent: null, provider: 'openai', model: 'gpt-4o-mini', keyId: null, source: 'team', promptTokens: prompt, maxOutputTokens: maxOut, pricing, attempt: 1, kind: 'first', retryOf: null, fallbackOf: null, replacedKeyId: null };
}

async function counters(t: Team, memberId: string) {
  const r = await t.db.query<{ scope: string; used: number; reserved: number }>('SELECT scope, used, reserved FROM budget_counters WHERE subject = $1 OR subject = $2', [memberId, '']);
  return Object.fromEntries(r.rows.map((x) => [x.scope, { used: x.used, reserved: x.reserved }]));
}

describe('budgets decided inside PostgreSQL', () => {
  it('never overshoots a daily token budget under concurrent calls from two server processes', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 1000 });
      // 100 calls at once, half through each process; each reserves 95 tokens.
      const tries = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => (i % 2 ? t.a : t.b).admit(request(m.session, 35, 60))));
      const admitted = tries.filter((x) => x.status === 'fulfilled').map((x) => (x as PromiseFulfilledResult<Awaited<ReturnType<PgCallAdmission['admit']>>>).value);
      const refused = tries.filter((x) => x.status === 'rejected').map((x) => (x as PromiseRejectedResult).reason as AppError);
      expect(admitted).toHaveLength(10);
      expect(refused.every((e) => e.code === 'LIMIT_EXCEEDED')).toBe(true);
      expect((await counters(t, m.id)).member_day_tokens).toEqual({ used: 0, reserved: 950 });

      // Each settles below its reservation; what is freed admits more calls, never past the limit.
      await Promise.all(admitted.map((r) => r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 20, outputTokens: 50 }, latencyMs: 5, ttftMs: 1 })));
      expect((await counters(t, m.id)).member_day_tokens).toEqual({ used: 700, reserved: 0 });
      const more = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? t.a : t.b).admit(request(m.session, 35, 60))));
      expect(more.filter((x) => x.status === 'fulfilled')).toHaveLength(3);
    } finally {
      await t.close();
    }
  });

  it('reserves the prompt upper bound; the provider count decides when only the bound does not fit, and no count refuses', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 1000 });
      // Estimate 100, bound 700 (a prompt of many multi-byte characters), 200 output: the bound holds 900 of 1000.
      const bounded = { ...request(m.session, 100, 200), promptUpperBound: 700 };
      const first = await t.a.admit(bounded);
      expect(first.reservedTokens).toBe(900);
      await first.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 100, outputTokens: 200 }, latencyMs: 1, ttftMs: 1 });
      // 300 used: the bound (900) no longer fits, the estimate (300) does; the provider's count decides.
      let asked = 0;
      const counted = await t.a.admit({ ...bounded, countPromptTokens: async () => (asked++, 120) });
      expect(asked).toBe(1);
      expect(counted.reservedTokens).toBe(320);
      // No count available: refused, and the message says the prompt could not be counted.
      const err = await t.b.admit({ ...bounded, countPromptTokens: async () => null }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(err?.code).toBe('LIMIT_EXCEEDED');
      expect(err?.message).toMatch(/could not be counted exactly/);
      // Even the estimate does not fit: refused without asking the provider.
      const before = asked;
      const big = await t.b.admit({ ...request(m.session, 500, 500), promptUpperBound: 900, countPromptTokens: async () => (asked++, 500) }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(big?.code).toBe('LIMIT_EXCEEDED');
      expect(asked).toBe(before);
    } finally {
      await t.close();
    }
  });

  it('records a provider-reported cost (OpenRouter usage.cost) as what the call cost', async () => {
    const t = await team();
    try {
      const m = await member(t, { monthlyUsd: 10 });
      const r = await t.a.admit(request(m.session, 100, 100));
      const rec = await r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 100, outputTokens: 100 }, latencyMs: 1, ttftMs: 1, reportedCostUsd: 0.0042 });
      expect(rec.costUsd).toBeCloseTo(0.0042, 12);
    } finally {
      await t.close();
    }
  });

  it('refuses with LIMIT_EXCEEDED naming the limit, what is used and when it resets', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 100 });
      const r = await t.a.admit(request(m.session, 20, 60));
      await r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 20, outputTokens: 40 }, latencyMs: 1, ttftMs: 1 });
      const err = await t.a.admit(request(m.session, 20, 60)).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(err?.code).toBe('LIMIT_EXCEEDED');
      expect(err?.message).toMatch(/daily token budget/);
      // 40 tokens are left: the budget is not used up, this call's worst case (80) does not fit, and a smaller answer would.
      expect(err?.message).toMatch(/^Your daily token budget cannot cover this call: 60 of 100 tokens used, and this call may use up to 80\./);
      expect(err?.message).toContain('A lower max_tokens for the answer reserves less.');
      // When it resets, in words and in the team's time zone, as the app says it; the exact instant stays in details.
      expect(err?.message).toMatch(/It resets at [A-Z][a-z]{2} \d{1,2}, 00:00 \(UTC\)\./);
      expect(err?.message).not.toMatch(/\d{4}-\d\d-\d\dT/);
      expect(err?.details?.resetsAt).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/);

      const full = await member(t, { dailyTokens: 60 });
      const spent = await t.a.admit(request(full.session, 20, 40));
      await spent.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 20, outputTokens: 40 }, latencyMs: 1, ttftMs: 1 });
      const none = (await t.a.admit(request(full.session, 1, 1)).catch((e: unknown) => e)) as AppError;
      expect(none.message).toMatch(/^Your daily token budget is used up: 60 of 60 tokens used/);
      expect(none.message).not.toContain('max_tokens');
      expect(err?.details).toMatchObject({ scope: 'member_daily_tokens', limit: 100, used: 60, unit: 'tokens' });
    } finally {
      await t.close();
    }
  });

  it('holds member and team monthly USD budgets, and refuses an unpriced model only where a USD budget applies', async () => {
    const t = await team();
    try {
      // Worst case of one call: 1000 × $1 + 1000 × $2 per million = $0.003.
      const m = await member(t, { monthlyUsd: 0.007 });
      const first = await Promise.allSettled([t.a.admit(request(m.session, 1000, 1000)), t.b.admit(request(m.session, 1000, 1000)), t.a.admit(request(m.session, 1000, 1000))]);
      expect(first.filter((x) => x.status === 'fulfilled')).toHaveLength(2);
      const why = (first.find((x) => x.status === 'rejected') as PromiseRejectedResult).reason as AppError;
      expect(why.message).toMatch(/^Your monthly budget cannot cover this call: \$0\.0060 of \$0\.0070/);

      const unpriced = await t.a.admit(request(m.session, 10, 10, null)).catch((e: unknown) => e as AppError);
      expect((unpriced as AppError).code).toBe('LIMIT_EXCEEDED');
      expect((unpriced as AppError).message).toMatch(/price of openai\/gpt-4o-mini is unknown/);

      const free = await member(t, {});
      await expect(t.a.admit(request(free.session, 10, 10, null))).resolves.toMatchObject({ reservedUsd: null, reservedTokens: 20 });

      await t.settings.update(t.owner.id, { monthlyUsdNano: 8_000_000 }); // $0.008 for the whole team
      const teamCap = await t.b.admit(request(free.session, 1000, 1000)).catch((e: unknown) => e as AppError);
      expect((teamCap as AppError).message).toMatch(/^The team's monthly budget cannot cover this call: \$0\.0060 of \$0\.0080/);
    } finally {
      await t.close();
    }
  });

  it('answers the settled record before writing it (the server); a write that fails leaves the call counted at its reservation', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 10_000 });
      const early = new PgCallAdmission(t.db, t.replicaA, t.contexts, noTokens, quiet);
      early.answerBeforeWritten = true;
      const r = await early.admit(request(m.session, 100, 100));
      const answered = await r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 80, cacheReadTokens: 20, outputTokens: 30 }, latencyMs: 12, ttftMs: 3 });
      await early.written();
      const row = (await t.db.query('SELECT * FROM calls WHERE id = $1', [r.id])).rows[0];
      // The answered record is the row as written (only the settle time is this process's clock, not the database's).
      expect({ ...answered, settledAt: 0 }).toEqual({ ...callRecord(row), settledAt: 0 });
      expect((await counters(t, m.id)).member_day_tokens).toEqual({ used: 130, reserved: 0 });

      // The database goes away for the write: the answer still comes, the log says so, and the call stays reserved (the sweep later settles it as interrupted).
      const logged: string[] = [];
      const lost = {
        query: (q: unknown, v?: unknown) => ((q as { name?: string }).name === 'sb_settle' ? Promise.reject(new Error('connection lost')) : t.db.query(q as never, v as never)),
      } as unknown as Db;
      const cut = new PgCallAdmission(lost, t.replicaA, t.contexts, noTokens, createLogger({ write: (line) => logged.push(line) }));
      cut.answerBeforeWritten = true;
      const r2 = await cut.admit(request(m.session, 100, 100));
      await expect(r2.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 50, outputTokens: 10 }, latencyMs: 1, ttftMs: 1 })).resolves.toMatchObject({ status: 'ok' });
      await cut.written();
      expect(logged.join('\n')).toMatch(/settling a call failed/);
      expect((await counters(t, m.id)).member_day_tokens).toEqual({ used: 130, reserved: 200 });
    } finally {
      await t.close();
    }
  });

  it('settles a call once: a second settle answers the first record and changes nothing', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 10_000 });
      const r = await t.a.admit(request(m.session, 100, 100));
      const first = await r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 80, cacheReadTokens: 20, outputTokens: 30 }, latencyMs: 12, ttftMs: 3 });
      const again = await r.settle({ status: 'error', usage: { ...ZERO_USAGE, inputTokens: 999 }, latencyMs: 1, ttftMs: 1 });
      expect(again).toEqual(first);
      expect(first).toMatchObject({ status: 'ok', source: 'team', usage: { inputTokens: 80, cacheReadTokens: 20, outputTokens: 30 } });
      // 80 × $1 + 20 × $0.1 + 30 × $2 per million, the app's cost rule.
      expect(first.costUsd).toBeCloseTo(0.000142, 12);
      expect((await counters(t, m.id)).member_day_tokens).toEqual({ used: 130, reserved: 0 });
    } finally {
      await t.close();
    }
  });

  it('expires the reservations of a process that died into "interrupted" rows counted at their reservation', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 10_000, monthlyUsd: 1 });
      const r = await t.a.admit(request(m.session, 100, 200));
      // Process A stops sending heartbeats (killed): after the dead-after time, any process sweeps.
      await t.db.query("UPDATE replicas SET seen_at = clock_timestamp() - interval '1 hour' WHERE id = $1", [t.replicaA]);
      const sweeper = new Replica(t.db2, randomUUID(), quiet, { deadAfterMs: 30_000 });
      expect(await sweeper.sweep()).toBe(1);
      const row = (await t.db.query('SELECT status, error_code, input_tokens, output_tokens, estimated, cost_nano FROM calls WHERE id = $1', [r.id])).rows[0];
      expect(row).toEqual({ status: 'interrupted', error_code: 'INTERRUPTED', input_tokens: 100, output_tokens: 200, estimated: true, cost_nano: 500_000 });
      const c = await counters(t, m.id);
      expect(c.member_day_tokens).toEqual({ used: 300, reserved: 0 });
      expect(c.member_month_usd).toEqual({ used: 500_000, reserved: 0 });
      // The late settle of the dead process (were it to come back) changes nothing.
      const late = await r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 1, outputTokens: 1 }, latencyMs: 1, ttftMs: 1 });
      expect(late.status).toBe('interrupted');
      expect(await sweeper.sweep()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('starts a new window when the day turns, and recounts the windows when the team changes its time zone', async () => {
    const t = await team();
    try {
      const m = await member(t, { dailyTokens: 100 });
      const r = await t.a.admit(request(m.session, 20, 60));
      await r.settle({ status: 'ok', usage: { ...ZERO_USAGE, inputTokens: 20, outputTokens: 60 }, latencyMs: 1, ttftMs: 1 });
      await expect(t.a.admit(request(m.session, 20, 60))).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
      // As if the call had been made yesterday: the counter holds yesterday's window.
      await t.db.query("UPDATE budget_counters SET window_start = window_start - 1 WHERE scope = 'member_day_tokens'");
      await t.db.query("UPDATE calls SET time = time - interval '1 day', day = day - 1");
      await expect(t.a.admit(request(m.session, 20, 60))).resolves.toMatchObject({ reservedTokens: 80 });
      expect((await counters(t, m.id)).member_day_tokens).toEqual({ used: 0, reserved: 80 });

      // A time zone change recounts from the calls: the open reservation stays, yesterday's call does not count today.
      await t.settings.update(t.owner.id, { timeZone: 'Pacific/Kiritimati' });
      const c = await counters(t, m.id);
      const expected = await t.db.query<{ used: number }>(`
        SELECT coalesce(sum(input_tokens + output_tokens) FILTER (WHERE status <> 'reserved'), 0)::bigint AS used
        FROM calls WHERE (time AT TIME ZONE 'Pacific/Kiritimati')::date = (clock_timestamp() AT TIME ZONE 'Pacific/Kiritimati')::date`);
      expect(c.member_day_tokens).toEqual({ used: expected.rows[0]!.used, reserved: 80 });
      const view = await t.members.view(m.id);
      expect(view?.used.dailyTokens).toBe(expected.rows[0]!.used + 80);
    } finally {
      await t.close();
    }
  });
});
