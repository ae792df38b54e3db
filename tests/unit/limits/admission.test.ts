import { afterEach, describe, expect, it } from 'vitest';
import { AppError, type LimitState } from '../../../shared/contract/index.js';
import { admitRequest, ok, rig, type Rig } from '../metering/fixtures.js';

const rigs: Rig[] = [];
afterEach(() => {
  while (rigs.length) rigs.pop()!.cleanup();
});
function make(options: Parameters<typeof rig>[0] = {}): Rig {
  const r = rig(options);
  rigs.push(r);
  return r;
}

async function refusal(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a LIMIT_EXCEEDED refusal');
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));

describe('concurrent admissions never overshoot', () => {
  it('50 callers against a monthly cap that fits exactly 5 worst cases: 5 run, 45 are refused', async () => {
    const r = make();
    // Worst case per call: 100 prompt × $2 + 100 output × $10 per million = $0.0012.
    r.metering.admission.setLimits({ monthlyUsd: { total: 0.006 } });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        try {
          const res = (await r.metering.admission.admit(admitRequest({ sessionId: `c${i}` })));
          await tick();
          return { ok: (await res.settle(ok({ inputTokens: 100, outputTokens: 100 }))).costUsd };
        } catch (err) {
          return { refused: (err as AppError).code };
        }
      }),
    );
    const admitted = outcomes.filter((o) => 'ok' in o);
    expect(admitted).toHaveLength(5);
    expect(outcomes.filter((o) => 'refused' in o && o.refused === 'LIMIT_EXCEEDED')).toHaveLength(45);
    const spent = admitted.reduce((s, o) => s + (o as { ok: number }).ok, 0);
    expect(spent).toBeLessThanOrEqual(0.006 + 1e-12);
    expect(r.metering.ledger.count({})).toBe(5);
  });

  it('callers that interleave admissions with settles stay under a daily token limit at every moment', async () => {
    const r = make();
    r.metering.admission.setLimits({ dailyTokens: { key: { k1: 1000 } } });
    let inFlightPlusSettled = 0;
    let peak = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await tick();
        try {
          const res = (await r.metering.admission.admit(admitRequest({ sessionId: `i${i}`, promptTokens: 50, maxOutputTokens: 150 })));
          inFlightPlusSettled += 200;
          peak = Math.max(peak, inFlightPlusSettled);
          await tick();
          // Actual use below the worst case frees room for later callers.
          const out = 50 + (i % 100);
          (await res.settle(ok({ inputTokens: 50, outputTokens: out })));
          inFlightPlusSettled += 50 + out - 200;
          return true;
        } catch (err) {
          expect((err as AppError).code).toBe('LIMIT_EXCEEDED');
          return false;
        }
      }),
    );
    expect(peak).toBeLessThanOrEqual(1000);
    const state = r.metering.admission.states().find((s) => s.scope === 'dailyTokens.key')!;
    expect(state.used).toBeLessThanOrEqual(1000);
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect(outcomes.filter((x) => !x).length).toBeGreaterThan(0);
  });
});

describe('refusals', () => {
  it('names the limit, what is used (settled + reserved), the limit and when it resets, and writes nothing', async () => {
    const r = make({ now: Date.UTC(2026, 5, 15, 10, 0) });
    r.metering.admission.setLimits({ dailyTokens: { provider: { openai: 500 } } });
    const first = (await r.metering.admission.admit(admitRequest({ promptTokens: 100, maxOutputTokens: 100 })));
    (await first.settle(ok({ inputTokens: 100, outputTokens: 50 })));
    const running = (await r.metering.admission.admit(admitRequest({ promptTokens: 100, maxOutputTokens: 100 })));
    expect(running.reservedTokens).toBe(200);
    const before = r.metering.ledger.count({});
    const err = await refusal(async () => (await r.metering.admission.admit(admitRequest({ promptTokens: 100, maxOutputTokens: 100 }))));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.details).toMatchObject({ scope: 'dailyTokens.provider', subject: 'openai', used: 350, reserved: 200, limit: 500, requested: 200, resetsAt: Date.UTC(2026, 5, 16) });
    expect(err.message).toMatch(/daily token limit for OpenAI/);
    expect(err.message).toMatch(/350 tokens of 500 tokens/);
    expect(err.message).toMatch(/resets at 2026-06-16 00:00 \(UTC\)/);
    expect(r.metering.ledger.count({})).toBe(before);
  });

  it('applies per-key daily tokens, monthly per-provider USD and the session budget', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { key: { k9: 150 } } });
    expect((await refusal(async () => (await a.admit(admitRequest({ keyId: 'k9' }))))).details).toMatchObject({ scope: 'dailyTokens.key', subject: 'k9' });
    (await a.admit(admitRequest({ keyId: 'other' }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));

    a.setLimits({ monthlyUsd: { provider: { anthropic: 0.001 } } });
    expect((await refusal(async () => (await a.admit(admitRequest({ provider: 'anthropic' }))))).details).toMatchObject({ scope: 'monthlyUsd.provider', subject: 'anthropic', unit: 'usd' });
    (await a.admit(admitRequest({ provider: 'gemini' }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));

    a.setLimits({ sessionUsd: 0.002 });
    (await a.admit(admitRequest({ sessionId: 'budget' }))).settle(ok({ inputTokens: 100, outputTokens: 100 }));
    const err = await refusal(async () => (await a.admit(admitRequest({ sessionId: 'budget' }))));
    expect(err.details).toMatchObject({ scope: 'sessionUsd', subject: 'budget', resetsAt: null });
    expect(err.message).toMatch(/budget of this conversation/);
    (await a.admit(admitRequest({ sessionId: 'another' }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));
  });

  it('clearing a limit with null lifts it; omitted fields stay as they were', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 10, gemini: 20 } }, sessionUsd: 5, timeZone: 'Europe/Berlin' });
    a.setLimits({ dailyTokens: { provider: { openai: null } } });
    expect(a.getLimits()).toEqual({
      dailyTokens: { provider: { gemini: 20 }, key: {} },
      monthlyUsd: { total: null, provider: {} },
      sessionUsd: 5,
      timeZone: 'Europe/Berlin',
    });
    (await a.admit(admitRequest()));
    const again = r.reopen();
    rigs.push(again);
    expect(again.metering.admission.getLimits().dailyTokens.provider).toEqual({ gemini: 20 });
    expect(again.metering.admission.getLimits().timeZone).toBe('Europe/Berlin');
  });
});

describe('unknown prices and USD caps', () => {
  it('a USD cap refuses a call it cannot price, saying how to fix it; without a cap the call runs', async () => {
    const r = make();
    const a = r.metering.admission;
    const local = admitRequest({ provider: 'openai-compatible', model: 'llama3.2', pricing: null, keyId: null });
    (await a.admit(local)).settle(ok({ inputTokens: 10, outputTokens: 10 }));

    a.setLimits({ monthlyUsd: { total: 100 } });
    const err = await refusal(async () => (await a.admit(local)));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.details).toMatchObject({ reason: 'price-unknown', scope: 'monthlyUsd.total', model: 'llama3.2' });
    expect(err.message).toMatch(/price is unknown.*0 for a free local model/);

    // The user says the local model is free: now it runs under the cap and costs exactly 0.
    r.catalog.setPrice({ provider: 'openai-compatible', model: 'llama3.2', pricing: { input: 0, output: 0, cacheRead: null, cacheWrite: null } });
    const free = r.catalog.find('openai-compatible', 'llama3.2')!.pricing;
    const rec = await (await a.admit({ ...local, pricing: free })).settle(ok({ inputTokens: 10, outputTokens: 10 }));
    expect(rec.costUsd).toBe(0);
  });
});

describe('warnings', () => {
  it('emits limits.warning at 80 % and limits.exceeded at 100 %, once each per window', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    const levels = () => r.events.filter((e) => e.name === 'limits.warning' || e.name === 'limits.exceeded').map((e) => e.name);
    (await a.admit(admitRequest({ promptTokens: 300, maxOutputTokens: 300 }))).settle(ok({ inputTokens: 300, outputTokens: 300 }));
    expect(levels()).toEqual([]);
    (await a.admit(admitRequest({ promptTokens: 100, maxOutputTokens: 150 }))).settle(ok({ inputTokens: 100, outputTokens: 150 }));
    expect(levels()).toEqual(['limits.warning']);
    const w = r.events.find((e) => e.name === 'limits.warning')!.payload as { state: LimitState };
    expect(w.state).toMatchObject({ scope: 'dailyTokens.provider', subject: 'openai', used: 850, limit: 1000, level: 'warning' });
    (await a.admit(admitRequest({ promptTokens: 10, maxOutputTokens: 10 }))).settle(ok({ inputTokens: 10, outputTokens: 10 }));
    expect(levels()).toEqual(['limits.warning']);
    (await a.admit(admitRequest({ promptTokens: 60, maxOutputTokens: 70 }))).settle(ok({ inputTokens: 60, outputTokens: 70 }));
    expect(levels()).toEqual(['limits.warning', 'limits.exceeded']);
    await refusal(async () => (await a.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 }))));
    expect(levels()).toEqual(['limits.warning', 'limits.exceeded']);
  });
});

describe('resets follow the user time zone', () => {
  it('America/New_York: the daily limit resets at local midnight, on a 23-hour DST day too', async () => {
    // 2026-03-07 23:30 EST = 04:30 UTC on the 8th; DST starts at 02:00 local on the 8th.
    const r = make({ now: Date.UTC(2026, 2, 8, 4, 30), zone: 'UTC' });
    const a = r.metering.admission;
    a.setLimits({ timeZone: 'America/New_York', dailyTokens: { provider: { openai: 1000 } } });
    (await a.admit(admitRequest({ promptTokens: 500, maxOutputTokens: 500 }))).settle(ok({ inputTokens: 500, outputTokens: 500 }));
    const err = await refusal(async () => (await a.admit(admitRequest())));
    expect(err.details!.resetsAt).toBe(Date.UTC(2026, 2, 8, 5, 0)); // midnight EST
    r.clock.now = Date.UTC(2026, 2, 8, 4, 59, 59);
    await refusal(async () => (await a.admit(admitRequest())));
    r.clock.now = Date.UTC(2026, 2, 8, 5, 0);
    (await a.admit(admitRequest({ promptTokens: 500, maxOutputTokens: 500 }))).settle(ok({ inputTokens: 500, outputTokens: 500 }));
    // The 8th has 23 hours: the next reset is midnight EDT, 04:00 UTC on the 9th.
    expect((await refusal(async () => (await a.admit(admitRequest())))).details!.resetsAt).toBe(Date.UTC(2026, 2, 9, 4, 0));
    r.clock.now = Date.UTC(2026, 2, 9, 4, 0);
    (await a.admit(admitRequest()));
  });

  it('America/New_York: a 25-hour day when DST ends', async () => {
    const r = make({ now: Date.UTC(2026, 10, 1, 4, 0) }); // 2026-11-01 00:00 EDT
    const a = r.metering.admission;
    a.setLimits({ timeZone: 'America/New_York', dailyTokens: { provider: { openai: 200 } } });
    (await a.admit(admitRequest())).settle(ok({ inputTokens: 100, outputTokens: 100 }));
    r.clock.now = Date.UTC(2026, 10, 2, 4, 59); // 23:59 EST, still Nov 1 locally
    expect((await refusal(async () => (await a.admit(admitRequest())))).details!.resetsAt).toBe(Date.UTC(2026, 10, 2, 5, 0));
    r.clock.now = Date.UTC(2026, 10, 2, 5, 0);
    (await a.admit(admitRequest()));
  });

  it('Asia/Kolkata: the monthly cap resets at local midnight on the first of the month', async () => {
    // 2026-01-31 23:59 IST = 18:29 UTC.
    const r = make({ now: Date.UTC(2026, 0, 31, 18, 29) });
    const a = r.metering.admission;
    a.setLimits({ timeZone: 'Asia/Kolkata', monthlyUsd: { total: 0.0012 } });
    (await a.admit(admitRequest())).settle(ok({ inputTokens: 100, outputTokens: 100 }));
    const err = await refusal(async () => (await a.admit(admitRequest())));
    expect(err.details).toMatchObject({ scope: 'monthlyUsd.total', resetsAt: Date.UTC(2026, 0, 31, 18, 30), timeZone: 'Asia/Kolkata' });
    r.clock.now = Date.UTC(2026, 0, 31, 18, 30); // 2026-02-01 00:00 IST
    const feb = (await a.admit(admitRequest()));
    (await feb.settle(ok({ inputTokens: 100, outputTokens: 100 })));
    // February in Kolkata ends on 2026-02-28 18:30 UTC.
    expect((await refusal(async () => (await a.admit(admitRequest())))).details!.resetsAt).toBe(Date.UTC(2026, 1, 28, 18, 30));
  });

  it('America/New_York: a monthly cap spanning the DST change resets at midnight EDT on April 1', async () => {
    const r = make({ now: Date.UTC(2026, 2, 1, 12, 0) });
    const a = r.metering.admission;
    a.setLimits({ timeZone: 'America/New_York', monthlyUsd: { provider: { openai: 0.0012 } } });
    (await a.admit(admitRequest())).settle(ok({ inputTokens: 100, outputTokens: 100 }));
    r.clock.now = Date.UTC(2026, 3, 1, 3, 59); // March 31 23:59 EDT
    expect((await refusal(async () => (await a.admit(admitRequest())))).details!.resetsAt).toBe(Date.UTC(2026, 3, 1, 4, 0));
    r.clock.now = Date.UTC(2026, 3, 1, 4, 0);
    (await a.admit(admitRequest()));
  });

  it('changing the time zone moves the day window, using the usage already recorded', async () => {
    // 22:00 UTC on June 15 is already June 16 in Tokyo.
    const r = make({ now: Date.UTC(2026, 5, 15, 10, 0) });
    const a = r.metering.admission;
    (await a.admit(admitRequest())).settle(ok({ inputTokens: 100, outputTokens: 100 }));
    r.clock.now = Date.UTC(2026, 5, 15, 22, 0);
    a.setLimits({ dailyTokens: { provider: { openai: 300 } } });
    expect(a.states()[0]!.used).toBe(200);
    a.setLimits({ timeZone: 'Asia/Tokyo' });
    expect(a.states()[0]!.used).toBe(0);
    expect(a.states()[0]!.resetsAt).toBe(Date.UTC(2026, 5, 16, 15, 0));
    a.setLimits({ timeZone: 'UTC' });
    expect(a.states()[0]!.used).toBe(200);
  });
});

describe('limits survive a restart with running calls', () => {
  it('a crashed reservation counts as interrupted use after restart', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    (await a.admit(admitRequest({ promptTokens: 400, maxOutputTokens: 400 })));
    // Simulate a crash: close the database without settling.
    r.metering.ledger.close();
    const again = make({ dir: r.dir, now: r.clock.now });
    const state = again.metering.admission.states()[0]!;
    expect(state.used).toBe(400); // the estimated prompt, output 0
  });
});

describe('ledger failures', () => {
  it('no ledger row, no call: admit refuses when the reservation cannot be written', async () => {
    const r = make();
    // Break the file under the ledger: writes fail as they would on a full or read-only disk.
    r.metering.ledger.db.exec("CREATE TRIGGER no_insert BEFORE INSERT ON calls BEGIN SELECT RAISE(FAIL, 'disk full'); END");
    const err = await refusal(async () => (await r.metering.admission.admit(admitRequest())));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/could not record this call.*not sent/);
    expect(r.metering.admission.states()).toEqual([]);
  });

  it('a settle that cannot be written keeps the worst case counted and leaves the row for recovery', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    const res = (await a.admit(admitRequest({ promptTokens: 300, maxOutputTokens: 300 })));
    r.metering.ledger.db.exec("CREATE TRIGGER no_update BEFORE UPDATE ON calls BEGIN SELECT RAISE(FAIL, 'disk full'); END");
    await expect(res.settle(ok({ inputTokens: 10, outputTokens: 10 }))).rejects.toThrow(/worst case stays counted/);
    expect(a.states()[0]!.used).toBe(600);
    r.metering.ledger.db.exec('DROP TRIGGER no_update');
    expect(r.metering.ledger.get(res.id)!.status).toBe('reserved');
  });
});
