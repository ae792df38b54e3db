import { afterEach, describe, expect, it } from 'vitest';
import type { GroupBy, ProviderId } from '../../../shared/contract/index.js';
import { queryUsage, type UsageQueryInput } from '../../../electron/core/metering/usage-query.js';
import { admitRequest, ok, rig, type Rig } from './fixtures.js';

const rigs: Rig[] = [];
afterEach(() => {
  while (rigs.length) rigs.pop()!.cleanup();
});

/** Records one settled call at a given instant. */
function call(r: Rig, at: number, over: Parameters<typeof admitRequest>[0] = {}, used = { inputTokens: 100, outputTokens: 10 }, status: 'ok' | 'error' = 'ok') {
  r.clock.now = at;
  const res = r.metering.admission.admit(admitRequest(over));
  return res.settle({ ...ok(used), status, errorCode: status === 'error' ? 'PROVIDER_ERROR' : null });
}

function q(r: Rig, input: Partial<UsageQueryInput>) {
  return queryUsage(r.metering.ledger, { groupBy: [], ...input }, r.metering.admission.getLimits().timeZone);
}

describe('usage.query', () => {
  it('groups by day and provider with every token kind, cost, unknown-cost, error and estimated counts', () => {
    const r = rig();
    rigs.push(r);
    const d1 = Date.UTC(2026, 5, 1, 9);
    const d2 = Date.UTC(2026, 5, 2, 9);
    call(r, d1, { provider: 'openai' }, { inputTokens: 1000, outputTokens: 100 });
    call(r, d1 + 60_000, { provider: 'openai' }, { inputTokens: 500, outputTokens: 50 }, 'error');
    call(r, d1, { provider: 'anthropic', pricing: null, model: 'x' }, { inputTokens: 10, outputTokens: 1 });
    r.clock.now = d2;
    r.metering.admission.admit(admitRequest({ provider: 'gemini' })).settle({ status: 'interrupted', usage: { inputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 2, outputTokens: 5, reasoningTokens: 4, estimated: true }, errorCode: null, latencyMs: null, ttftMs: null });
    // A running call is not usage yet.
    r.metering.admission.admit(admitRequest({ provider: 'gemini' }));

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

  it('days, ISO weeks (Monday) and months follow the query time zone', () => {
    const r = rig();
    rigs.push(r);
    // Sunday 2026-03-01 23:30 in New York is Monday 04:30 UTC.
    call(r, Date.UTC(2026, 2, 2, 4, 30));
    const ny = q(r, { groupBy: ['day', 'week', 'month'], timeZone: 'America/New_York' });
    expect(ny.groups.map((g) => g.key)).toEqual([{ day: '2026-03-01', week: '2026-02-23', month: '2026-03' }]);
    const utc = q(r, { groupBy: ['day', 'week', 'month'] });
    expect(utc.groups.map((g) => g.key)).toEqual([{ day: '2026-03-02', week: '2026-03-02', month: '2026-03' }]);
    // 2026-02-28 19:00 UTC is already March 1 in Kolkata (+05:30).
    call(r, Date.UTC(2026, 1, 28, 19, 0));
    const kolkata = q(r, { groupBy: ['month'], timeZone: 'Asia/Kolkata' });
    expect(kolkata.groups).toMatchObject([{ key: { month: '2026-03' }, calls: 2 }]);
  });

  it('the day rollup, the 15-minute rollup and the calls table give the same answers', () => {
    const r = rig({ zone: 'America/New_York' });
    rigs.push(r);
    const providers: ProviderId[] = ['openai', 'anthropic', 'gemini'];
    const start = Date.UTC(2026, 2, 5);
    for (let i = 0; i < 300; i++) {
      call(
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
      expect(day.plan).toBe('day');
      const quarter = queryUsage(r.metering.ledger, { groupBy }, zoneName, 'quarter');
      const calls = queryUsage(r.metering.ledger, { groupBy }, zoneName, 'calls');
      expect(quarter.plan).toBe('quarter');
      expect(calls.plan).toBe('calls');
      expect(quarter.groups).toEqual(day.groups);
      expect(calls.groups).toEqual(day.groups);
      // Unaligned bounds before and after all data: rollup inside, calls at the edges, same answer.
      const edges = q(r, { groupBy, from: Date.UTC(2026, 2, 1, 7, 3), to: Date.UTC(2026, 3, 20, 1, 1) });
      expect(edges.plan).toBe('calls+day+calls');
      expect(edges.groups).toEqual(day.groups);
    }
    // An unaligned range through the data: the edges are exact to the millisecond.
    for (const [from, to] of [
      [Date.UTC(2026, 2, 6, 13, 7), Date.UTC(2026, 2, 9, 2, 59)],
      [Date.UTC(2026, 2, 6, 13, 7), Date.UTC(2026, 2, 6, 15, 0)],
    ] as const) {
      const mixed = q(r, { groupBy: ['day', 'provider'], from, to });
      const exact = queryUsage(r.metering.ledger, { groupBy: ['day', 'provider'], from, to }, zoneName, 'calls');
      expect(mixed.groups).toEqual(exact.groups);
      expect(mixed.totals.calls).toBeGreaterThan(0);
    }
    // Another zone than the rollup's: answered from the quarter rollup and from calls alike.
    const berlinQ = q(r, { groupBy: ['day', 'provider'], timeZone: 'Europe/Berlin' });
    const berlinC = queryUsage(r.metering.ledger, { groupBy: ['day', 'provider'], timeZone: 'Europe/Berlin' }, zoneName, 'calls');
    expect(berlinQ.plan).toBe('quarter');
    expect(berlinQ.groups).toEqual(berlinC.groups);
    expect(berlinQ.groups).not.toEqual(q(r, { groupBy: ['day', 'provider'] }).groups);
    // Agent and session need the quarter rollup or the calls.
    expect(q(r, { groupBy: ['agent'] }).plan).toBe('quarter');
    expect(q(r, { groupBy: ['session'] }).plan).toBe('calls');
    const bySession = q(r, { groupBy: ['session'] });
    expect(bySession.groups).toHaveLength(7);
    expect(bySession.totals).toEqual(q(r, {}).totals);
    expect(q(r, { groupBy: ['agent'] }).groups.map((g) => g.key.agent)).toEqual([null, 'bot']);
  });

  it('filters by provider, model, key, agent and session; date-only bounds are whole local days', () => {
    const r = rig();
    rigs.push(r);
    call(r, Date.UTC(2026, 5, 1, 1), { provider: 'openai', model: 'a', keyId: 'k1', agent: 'x', sessionId: 's1' });
    call(r, Date.UTC(2026, 5, 1, 23), { provider: 'openai', model: 'b', keyId: 'k2', sessionId: 's2' });
    call(r, Date.UTC(2026, 5, 2, 1), { provider: 'gemini', model: 'a', keyId: 'k1', sessionId: 's1' });
    expect(q(r, { provider: 'openai' }).totals.calls).toBe(2);
    expect(q(r, { model: 'a' }).totals.calls).toBe(2);
    expect(q(r, { keyId: 'k1' }).totals.calls).toBe(2);
    expect(q(r, { agent: 'x' }).totals.calls).toBe(1);
    expect(q(r, { sessionId: 's1' }).totals.calls).toBe(2);
    expect(q(r, { from: '2026-06-01', to: '2026-06-01' }).totals.calls).toBe(2);
    expect(q(r, { from: '2026-06-02' }).totals.calls).toBe(1);
    expect(q(r, { from: '2026-06-01T22:00:00Z' }).totals.calls).toBe(2);
    expect(() => q(r, { from: '2026-06-03', to: '2026-06-01' })).toThrow(/from/);
    expect(() => q(r, { timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});
