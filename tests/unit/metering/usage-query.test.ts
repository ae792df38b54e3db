import { afterEach, describe, expect, it } from 'vitest';
import type { GroupBy, ProviderId } from '../../../shared/contract/index.js';
import { queryUsage, type UsageQueryInput, type UsageTableLimit } from '../../../electron/core/metering/usage-query.js';
import { pick, rng } from '../../helpers/random.js';
import { admitRequest, ok, rig, type Rig } from './fixtures.js';

const rigs: Rig[] = [];
afterEach(() => {
  while (rigs.length) rigs.pop()!.cleanup();
});

/** Records one settled call at a given instant. */
async function call(r: Rig, at: number, over: Parameters<typeof admitRequest>[0] = {}, used = { inputTokens: 100, outputTokens: 10 }, status: 'ok' | 'error' = 'ok') {
  r.clock.now = at;
  const res = (await r.metering.admission.admit(admitRequest(over)));
  return (await res.settle({ ...ok(used), status, errorCode: status === 'error' ? 'PROVIDER_ERROR' : null }));
}

function q(r: Rig, input: Partial<UsageQueryInput>) {
  return queryUsage(r.metering.ledger, { groupBy: [], ...input }, r.metering.admission.getLimits().timeZone);
}

describe('usage.query', () => {
  it('groups by day and provider with every token kind, cost, unknown-cost, error and estimated counts', async () => {
    const r = rig();
    rigs.push(r);
    const d1 = Date.UTC(2026, 5, 1, 9);
    const d2 = Date.UTC(2026, 5, 2, 9);
    await call(r, d1, { provider: 'openai' }, { inputTokens: 1000, outputTokens: 100 });
    await call(r, d1 + 60_000, { provider: 'openai' }, { inputTokens: 500, outputTokens: 50 }, 'error');
    await call(r, d1, { provider: 'anthropic', pricing: null, model: 'x' }, { inputTokens: 10, outputTokens: 1 });
    r.clock.now = d2;
    (await r.metering.admission.admit(admitRequest({ provider: 'gemini' }))).settle({ status: 'interrupted', usage: { inputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 2, outputTokens: 5, reasoningTokens: 4, estimated: true }, errorCode: null, latencyMs: null, ttftMs: null });
    // A running call is not usage yet.
    (await r.metering.admission.admit(admitRequest({ provider: 'gemini' })));

    const res = q(r, { groupBy: ['day', 'provider'] });
    expect(res.plan).toBe('day');
    expect(res.groups.map((g) => g.key)).toEqual([
      { day: '2026-06-01', provider: 'anthropic' },
      { day: '2026-06-01', provider: 'openai' },
      { day: '2026-06-02', provider: 'gemini' },
    ]);
    const openai = res.groups[1]!;
    expect(openai).toMatchObject({ calls: 2, inputTokens: 1500, outputTokens: 150, errors: 1, unknownCostCalls: 0, estimatedCalls: 0 });
    expect(openai.costUsd).toBeCloseTo((1500 * 2 + 150 * 10) / 1e6, 12);
    expect(res.groups[0]).toMatchObject({ calls: 1, unknownCostCalls: 1, costUsd: 0 });
    expect(res.groups[2]).toMatchObject({ calls: 1, inputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 2, outputTokens: 5, reasoningTokens: 4, estimatedCalls: 1 });
    expect(res.totals).toMatchObject({ calls: 4, inputTokens: 1517, errors: 1, unknownCostCalls: 1, estimatedCalls: 1 });
  });

  it('days, ISO weeks (Monday) and months follow the query time zone', async () => {
    const r = rig();
    rigs.push(r);
    // Sunday 2026-03-01 23:30 in New York is Monday 04:30 UTC.
    await call(r, Date.UTC(2026, 2, 2, 4, 30));
    const ny = q(r, { groupBy: ['day', 'week', 'month'], timeZone: 'America/New_York' });
    expect(ny.groups.map((g) => g.key)).toEqual([{ day: '2026-03-01', week: '2026-02-23', month: '2026-03' }]);
    const utc = q(r, { groupBy: ['day', 'week', 'month'] });
    expect(utc.groups.map((g) => g.key)).toEqual([{ day: '2026-03-02', week: '2026-03-02', month: '2026-03' }]);
    // 2026-02-28 19:00 UTC is already March 1 in Kolkata (+05:30).
    await call(r, Date.UTC(2026, 1, 28, 19, 0));
    const kolkata = q(r, { groupBy: ['month'], timeZone: 'Asia/Kolkata' });
    expect(kolkata.groups).toMatchObject([{ key: { month: '2026-03' }, calls: 2 }]);
  });

  it('the day rollups, the 15-minute rollup and the calls table give the same answers', async () => {
    const r = rig({ zone: 'America/New_York' });
    rigs.push(r);
    const providers: ProviderId[] = ['openai', 'anthropic', 'gemini'];
    const start = Date.UTC(2026, 2, 5);
    for (let i = 0; i < 300; i++) {
      await call(
        r,
        start + i * 47 * 60_000,
        { provider: providers[i % 3]!, model: `m${i % 2}`, keyId: i % 4 === 0 ? null : `k${i % 2}`, agent: i % 5 === 0 ? 'bot' : null, sessionId: `s${i % 7}` },
        { inputTokens: 10 + i, outputTokens: i % 13 },
        i % 11 === 0 ? 'error' : 'ok',
      );
    }
    const dims: GroupBy[][] = [['day', 'provider'], ['week', 'model'], ['month', 'key'], ['status'], ['provider', 'source'], ['day', 'month']];
    const zoneName = r.metering.admission.getLimits().timeZone;
    for (const groupBy of dims) {
      const day = q(r, { groupBy });
      // Whole days: a day rollup alone (the agent one, the smallest, when no dimension is asked for).
      expect(day.plan).toMatch(/^(agent_)?day$/);
      const quarter = queryUsage(r.metering.ledger, { groupBy }, zoneName, 'quarter');
      const calls = queryUsage(r.metering.ledger, { groupBy }, zoneName, 'calls');
      expect(quarter.plan).toBe('quarter');
      expect(calls.plan).toBe('calls');
      expect(quarter.groups).toEqual(day.groups);
      expect(calls.groups).toEqual(day.groups);
      // Unaligned bounds before and after all data: nothing lies outside the data, the day rollup alone answers.
      const edges = q(r, { groupBy, from: Date.UTC(2026, 2, 1, 7, 3), to: Date.UTC(2026, 3, 20, 1, 1) });
      expect(edges.plan).toBe(day.plan);
      expect(edges.groups).toEqual(day.groups);
    }
    // An unaligned range through the data: the edges are exact to the millisecond.
    for (const [from, to] of [
      [Date.UTC(2026, 2, 6, 13, 7), Date.UTC(2026, 2, 9, 2, 59)],
      [Date.UTC(2026, 2, 6, 13, 7), Date.UTC(2026, 2, 6, 15, 0)],
    ] as const) {
      const mixed = q(r, { groupBy: ['day', 'provider'], from, to });
      const exact = queryUsage(r.metering.ledger, { groupBy: ['day', 'provider'], from, to }, zoneName, 'calls');
      expect(mixed.plan).toMatch(/calls/);
      expect(mixed.groups).toEqual(exact.groups);
      expect(mixed.totals.calls).toBeGreaterThan(0);
    }
    // Another zone than the rollup's: its days are the rollup's days moved by six hours of quarters.
    const berlinQ = q(r, { groupBy: ['day', 'provider'], timeZone: 'Europe/Berlin' });
    const berlinC = queryUsage(r.metering.ledger, { groupBy: ['day', 'provider'], timeZone: 'Europe/Berlin' }, zoneName, 'calls');
    expect(berlinQ.plan).toBe('day+quarter');
    expect(berlinQ.groups).toEqual(berlinC.groups);
    expect(berlinQ.groups).not.toEqual(q(r, { groupBy: ['day', 'provider'] }).groups);
    // Agent and session have day rollups of their own; agent with provider needs the quarters.
    expect(q(r, { groupBy: ['day', 'agent'] }).plan).toBe('agent_day');
    expect(q(r, { groupBy: ['session'] }).plan).toBe('session_day');
    expect(q(r, { groupBy: ['agent', 'provider'] }).plan).toBe('quarter');
    expect(q(r, { groupBy: ['agent', 'provider'] }).groups).toEqual(queryUsage(r.metering.ledger, { groupBy: ['agent', 'provider'] }, zoneName, 'calls').groups);
    const bySession = q(r, { groupBy: ['session'] });
    expect(bySession.groups).toHaveLength(7);
    expect(bySession.totals).toEqual(q(r, {}).totals);
    expect(q(r, { groupBy: ['agent'] }).groups.map((g) => g.key.agent)).toEqual([null, 'bot']);
  });

  it('filters by provider, model, key, agent and session; date-only bounds are whole local days', async () => {
    const r = rig();
    rigs.push(r);
    await call(r, Date.UTC(2026, 5, 1, 1), { provider: 'openai', model: 'a', keyId: 'k1', agent: 'x', sessionId: 's1' });
    await call(r, Date.UTC(2026, 5, 1, 23), { provider: 'openai', model: 'b', keyId: 'k2', sessionId: 's2' });
    await call(r, Date.UTC(2026, 5, 2, 1), { provider: 'gemini', model: 'a', keyId: 'k1', sessionId: 's1' });
    expect(q(r, { provider: 'openai' }).totals.calls).toBe(2);
    expect(q(r, { model: 'a' }).totals.calls).toBe(2);
    expect(q(r, { keyId: 'k1' }).totals.calls).toBe(2);
    expect(q(r, { agent: 'x' }).totals.calls).toBe(1);
    expect(q(r, { sessionId: 's1' }).totals.calls).toBe(2);
    expect(q(r, { from: '2026-06-01', to: '2026-06-01' }).totals.calls).toBe(2);
    expect(q(r, { from: '2026-06-02' }).totals.calls).toBe(1);
    expect(q(r, { from: '2026-06-01T22:00:00Z' }).totals.calls).toBe(2);
    expect(() => q(r, { from: '2026-06-03', to: '2026-06-01' })).toThrow(/from/);
    // An empty key id is no key, in the ledger and in every rollup alike.
    const noKey = await call(r, Date.UTC(2026, 5, 2, 3), { keyId: '' });
    expect(noKey.keyId).toBeNull();
    expect(q(r, { groupBy: ['key'], from: '2026-06-02' }).groups.map((g) => g.key.key)).toEqual([null, 'k1']);
    expect(q(r, { groupBy: ['key'], from: '2026-06-02' })).toEqual({ ...queryUsage(r.metering.ledger, { groupBy: ['key'], from: '2026-06-02' }, 'UTC', 'calls'), plan: 'day' });
    expect(() => q(r, { timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});

/** Zones with DST, half- and quarter-hour offsets (and a 30-minute DST step on Lord Howe). */
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Adelaide', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Australia/Lord_Howe'];
/** Days around DST changes: US spring (Mar 8), EU spring (Mar 29), southern autumn (Apr 5), southern spring (Oct 4), EU autumn (Oct 25), US autumn (Nov 1). */
const WINDOWS: Array<[number, number]> = [
  [Date.UTC(2026, 2, 6), Date.UTC(2026, 2, 10)],
  [Date.UTC(2026, 2, 27), Date.UTC(2026, 3, 7)],
  [Date.UTC(2026, 9, 2), Date.UTC(2026, 9, 6)],
  [Date.UTC(2026, 9, 23), Date.UTC(2026, 10, 3)],
];
const DIMS: GroupBy[] = ['day', 'week', 'month', 'provider', 'model', 'key', 'agent', 'session', 'source', 'status'];

function randomInstant(rand: () => number): number {
  const [from, to] = pick(rand, WINDOWS);
  return Math.floor(from + rand() * (to - from));
}

function randomQuery(rand: () => number): UsageQueryInput {
  const input: UsageQueryInput = { groupBy: Array.from({ length: Math.floor(rand() * 4) }, () => pick(rand, DIMS)) };
  if (rand() < 0.7) input.timeZone = pick(rand, ZONES);
  const date = (t: number) => new Date(t).toISOString().slice(0, 10);
  const iso = (t: number) => {
    // An ISO time with some zone's offset, e.g. 2026-03-29T01:37:12.345+05:45.
    const offsetMin = pick(rand, [0, -300, 330, 345, 570, -210, 765]);
    const local = new Date(t + offsetMin * 60_000).toISOString().slice(0, -1);
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
  const a = randomInstant(rand);
  const b = rand() < 0.5 ? randomInstant(rand) : a + Math.floor(rand() * 3 * 86_400_000);
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  switch (Math.floor(rand() * 6)) {
    case 0:
      break;
    case 1:
      Object.assign(input, { from: date(lo), to: date(hi) });
      break;
    case 2:
      Object.assign(input, { from: lo, to: hi });
      break;
    case 3:
      Object.assign(input, { from: iso(lo), to: iso(hi) });
      break;
    case 4:
      input.from = rand() < 0.5 ? lo : date(lo);
      break;
    default:
      input.to = rand() < 0.5 ? hi : date(hi);
  }
  if (rand() < 0.15) input.provider = pick(rand, ['openai', 'anthropic', 'gemini', 'mistral']);
  if (rand() < 0.15) input.model = pick(rand, ['m1', 'm2', 'nope']);
  if (rand() < 0.15) input.keyId = pick(rand, ['k1', 'k2', 'nope']);
  if (rand() < 0.2) input.agent = pick(rand, ['coder', 'a, "quoted" agent', 'nope', '']);
  if (rand() < 0.1) input.sessionId = pick(rand, ['s1', 's2', 'nope']);
  return input;
}

describe('usage.query over random calls: every rollup plan gives the calls table\'s answer', () => {
  for (const [seed, limitsZone] of [
    [11, 'America/New_York'],
    [12, 'Australia/Adelaide'],
    [13, 'Asia/Kolkata'],
  ] as const) {
    it(`limits zone ${limitsZone}`, async () => {
      const r = rig({ zone: limitsZone });
      rigs.push(r);
      const rand = rng(seed);
      for (let i = 0; i < 400; i++) {
        await call(
          r,
          randomInstant(rand),
          {
            provider: pick<ProviderId>(rand, ['openai', 'anthropic', 'gemini']),
            model: pick(rand, ['m1', 'm2']),
            keyId: pick(rand, [null, 'k1', 'k2']),
            agent: pick(rand, [null, null, 'coder', 'a, "quoted" agent']),
            sessionId: pick(rand, ['s1', 's2', 's3', 's4']),
            pricing: rand() < 0.15 ? null : admitRequest().pricing,
          },
          { inputTokens: Math.floor(rand() * 4000), outputTokens: Math.floor(rand() * 900) },
          rand() < 0.1 ? 'error' : 'ok',
        );
      }
      const ledger = r.metering.ledger;
      const plans = new Set<string>();
      const variants: Array<UsageTableLimit | undefined> = [
        undefined,
        'quarter',
        { tables: ['day', 'quarter'] },
        { tables: ['agent_day'] },
        { tables: ['session_day'] },
      ];
      for (let i = 0; i < 150; i++) {
        const input = randomQuery(rand);
        const exact = queryUsage(ledger, input, limitsZone, 'calls');
        for (const v of variants) {
          const answer = queryUsage(ledger, input, limitsZone, v);
          plans.add(answer.plan);
          expect({ input, v, groups: answer.groups, totals: answer.totals }).toEqual({ input, v, groups: exact.groups, totals: exact.totals });
        }
      }
      // Every table answered some part of some query.
      for (const t of ['day', 'agent_day', 'session_day', 'quarter', 'calls']) expect([...plans].some((p) => p.split('+').includes(t)), t).toBe(true);
    }, 60_000);
  }

  it('a limits zone whose days do not start on a quarter hour (Monrovia, 1971: UTC−0:44:30)', async () => {
    const r = rig({ zone: 'UTC', now: Date.UTC(1971, 5, 1) });
    rigs.push(r);
    const rand = rng(14);
    const calls = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await call(r, Date.UTC(1971, 5, 1) + Math.floor(rand() * 6 * 86_400_000), { agent: pick(rand, [null, 'coder']), sessionId: pick(rand, ['s1', 's2']) }, { inputTokens: i, outputTokens: 1 });
      }
    };
    // Days rebuilt from quarters when the zone changes, then calls settled in it.
    await calls(60);
    r.metering.admission.setLimits({ timeZone: 'Africa/Monrovia' });
    await calls(60);
    const ledger = r.metering.ledger;
    for (const groupBy of [['day'], ['day', 'agent'], ['session'], [], ['week', 'provider']] as GroupBy[][]) {
      for (const timeZone of ['Africa/Monrovia', 'UTC', 'Asia/Kolkata']) {
        const input = { groupBy, timeZone, from: '1971-06-02', to: '1971-06-05' };
        const answer = queryUsage(ledger, input, 'Africa/Monrovia');
        // Its local days cannot come from rollups cut at quarter hours.
        expect(answer.plan).not.toMatch(/^(agent_)?day\b/);
        expect(answer.groups).toEqual(queryUsage(ledger, input, 'Africa/Monrovia', 'calls').groups);
        expect(answer.totals).toEqual(queryUsage(ledger, input, 'Africa/Monrovia', 'calls').totals);
      }
    }
  });
});
