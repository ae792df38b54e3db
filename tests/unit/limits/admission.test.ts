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
    // At its reservation (the worst case the provider could have billed), never at a 0-output guess.
    expect(state.used).toBe(800);
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

describe('reservations from an upper bound of the prompt', () => {
  // A daily limit of 1,000 tokens; the prompt is estimated at 200, bounded at 700, and 100 output tokens are allowed.
  const bounded = (over: Parameters<typeof admitRequest>[0] = {}) => admitRequest({ promptTokens: 200, promptUpperBound: 700, maxOutputTokens: 100, ...over });

  it('reserves the bound, not the estimate, when it fits', async () => {
    const r = make();
    r.metering.admission.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    let asked = 0;
    const res = await r.metering.admission.admit(bounded({ countPromptTokens: async () => ++asked }));
    expect(res.reservedTokens).toBe(800);
    expect(asked).toBe(0);
    expect(r.metering.ledger.get(res.id)!.prompt_estimate).toBe(200);
  });

  it('asks the provider\'s count when the bound does not fit but the estimate would, and decides on it', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    await a.admit(admitRequest({ promptTokens: 400, maxOutputTokens: 0 })); // 600 left
    // A count that does not fit is refused like any call, with what it needs.
    const err = await refusal(() => a.admit(bounded({ countPromptTokens: async () => 550 })));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.details).toMatchObject({ requested: 650, scope: 'dailyTokens.provider' });
    const signals: AbortSignal[] = [];
    const res = await a.admit(bounded({ countPromptTokens: async (signal) => (signals.push(signal), 350) }));
    expect(signals).toHaveLength(1);
    expect(res.reservedTokens).toBe(450);
    expect(r.metering.ledger.get(res.id)!.reserved_tokens).toBe(450);
  });

  it('refuses, saying the prompt could not be counted, when there is no count, the count fails, or it is too slow', async () => {
    const r = make({ countTimeoutMs: 50 });
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    await a.admit(admitRequest({ promptTokens: 400, maxOutputTokens: 0 }));
    let aborted = false;
    const never = (signal: AbortSignal) => new Promise<number>(() => signal.addEventListener('abort', () => (aborted = true)));
    for (const countPromptTokens of [undefined, async () => Promise.reject(new Error('502')), async () => null, never]) {
      const err = await refusal(() => a.admit(bounded(countPromptTokens ? { countPromptTokens } : {})));
      expect(err.code).toBe('LIMIT_EXCEEDED');
      expect(err.message).toMatch(/daily token limit for OpenAI could not be guaranteed.*could not be counted exactly.*upper bound of 700 prompt tokens/);
      expect(err.details).toMatchObject({ reason: 'prompt-not-counted', promptUpperBound: 700 });
    }
    expect(aborted).toBe(true);
    expect(r.metering.ledger.count({})).toBe(1);
  });

  it('a call the estimate cannot fit either is refused at once, without asking for a count', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 1000 } } });
    await a.admit(admitRequest({ promptTokens: 800, maxOutputTokens: 0 }));
    let asked = 0;
    const err = await refusal(() => a.admit(bounded({ countPromptTokens: async () => ++asked })));
    expect(asked).toBe(0);
    expect(err.details).toMatchObject({ requested: 300 });
  });

  it('50 concurrent callers whose counts arrive at random moments never reserve past the limit', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 5000 } } });
    let peak = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        try {
          const res = await a.admit(bounded({ sessionId: `b${i}`, countPromptTokens: async () => (await tick(), 250) }));
          peak = Math.max(peak, a.states()[0]!.used);
          await tick();
          await res.settle(ok({ inputTokens: 250, outputTokens: 100 }));
          return true;
        } catch (err) {
          expect((err as AppError).code).toBe('LIMIT_EXCEEDED');
          return false;
        }
      }),
    );
    expect(peak).toBeLessThanOrEqual(5000);
    expect(a.states()[0]!.used).toBeLessThanOrEqual(5000);
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(6);
  });
});

describe('a call that settles above its reservation', () => {
  it('records the truth, shows the overshoot, and closes every limit it counts against until the window resets', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 100_000 }, key: { k1: 100_000 } }, monthlyUsd: { total: 100 } });
    const res = await a.admit(admitRequest({ promptTokens: 100, maxOutputTokens: 100 }));
    r.clock.now += 1000;
    const rec = await res.settle(ok({ inputTokens: 3000, outputTokens: 100 }));
    expect(rec.usage.inputTokens).toBe(3000);
    expect(rec.overshootTokens).toBe(3100 - 200);
    expect(rec.overshootUsd).toBeGreaterThan(0);
    for (const s of a.states()) {
      expect(s.level).toBe('exceeded');
      expect(s.overshoot).toBeGreaterThan(0);
    }
    const err = await refusal(() => a.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 })));
    expect(err.details).toMatchObject({ reason: 'overshoot' });
    // Another provider's daily limit and calls of other keys are not closed by it... but the monthly total is.
    const other = await refusal(() => a.admit(admitRequest({ provider: 'anthropic', keyId: 'k2', promptTokens: 1, maxOutputTokens: 1 })));
    expect(other.details).toMatchObject({ reason: 'overshoot', scope: 'monthlyUsd.total' });
    a.setLimits({ monthlyUsd: { total: null } });
    await a.admit(admitRequest({ provider: 'anthropic', keyId: 'k2', promptTokens: 1, maxOutputTokens: 1 }));
    // It survives a restart, and the next day opens the daily limits again.
    const again = r.reopen();
    rigs.push(again);
    expect((await refusal(() => again.metering.admission.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 })))).details).toMatchObject({ reason: 'overshoot' });
    again.clock.now += 86_400_000;
    await again.metering.admission.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 }));
  });

  it('a limit the user changes after an overshoot is open again; the limits left as they were stay closed', async () => {
    const r = make();
    const a = r.metering.admission;
    a.setLimits({ dailyTokens: { provider: { openai: 100_000 }, key: { k1: 100_000 } } });
    const res = await a.admit(admitRequest({ promptTokens: 100, maxOutputTokens: 100 }));
    r.clock.now += 1000;
    await res.settle(ok({ inputTokens: 3000, outputTokens: 100 }));
    r.clock.now += 1000;
    a.setLimits({ dailyTokens: { provider: { openai: 200_000 } } });
    const provider = a.states().find((s) => s.scope === 'dailyTokens.provider')!;
    expect(provider.overshoot).toBeUndefined();
    expect(provider.level).toBe('ok');
    const err = await refusal(() => a.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 })));
    expect(err.details).toMatchObject({ reason: 'overshoot', scope: 'dailyTokens.key' });
    a.setLimits({ dailyTokens: { key: { k1: 100_001 } } });
    await a.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 }));
    // Remembered across a restart.
    const again = r.reopen();
    rigs.push(again);
    await again.metering.admission.admit(admitRequest({ promptTokens: 1, maxOutputTokens: 1 }));
  });
});
