import { describe, expect, it } from 'vitest';
import { HealthTracker } from '../../../electron/core/router/health.js';

describe('health', () => {
  it('reports the rolling error rate and medians of latency and time to first token', () => {
    const h = new HealthTracker({ window: 4 });
    h.record({ provider: 'openai', keyId: 'k', ok: true, latencyMs: 100, ttftMs: 10 });
    h.record({ provider: 'openai', keyId: 'k', ok: true, latencyMs: 300, ttftMs: 30 });
    h.record({ provider: 'openai', keyId: 'k', ok: false, errorCode: 'PROVIDER_UNAVAILABLE', latencyMs: 5, ttftMs: null });
    expect(h.provider('openai')).toMatchObject({ errorRate: 1 / 3, p50LatencyMs: 200, p50TtftMs: 20, recentCalls: 3 });
    // The window rolls: only the last 4 calls count.
    for (let i = 0; i < 4; i++) h.record({ provider: 'openai', keyId: 'k', ok: true, latencyMs: 50, ttftMs: 5 });
    expect(h.provider('openai')).toMatchObject({ errorRate: 0, p50LatencyMs: 50, recentCalls: 4 });
    expect(h.provider('gemini')).toMatchObject({ errorRate: null, recentCalls: 0 });
  });

  it('cools a key down after 3 failures in a row for 30 s, doubling up to 5 min; a success resets it', () => {
    let now = 0;
    const h = new HealthTracker({ now: () => now });
    const failK = () => h.record({ provider: 'openai', keyId: 'k', ok: false, errorCode: 'RATE_LIMITED', latencyMs: 1, ttftMs: null });
    failK();
    failK();
    expect(h.isCoolingDown('k')).toBe(false);
    failK();
    expect(h.coolingDownUntil('k')).toBe(30_000);
    now = 30_001;
    expect(h.isCoolingDown('k')).toBe(false);
    failK(); // the probe after a cooldown fails: back, for twice as long
    expect(h.coolingDownUntil('k')).toBe(30_001 + 60_000);
    for (let i = 0; i < 6; i++) {
      now = h.coolingDownUntil('k')! + 1;
      failK();
    }
    expect(h.coolingDownUntil('k')! - now).toBe(300_000);
    now += 300_001;
    h.record({ provider: 'openai', keyId: 'k', ok: true, latencyMs: 1, ttftMs: 1 });
    failK();
    failK();
    expect(h.isCoolingDown('k')).toBe(false);
    failK();
    expect(h.coolingDownUntil('k')! - now).toBe(30_000);
  });

  it('failures of the request itself do not count against the key', () => {
    const h = new HealthTracker();
    for (let i = 0; i < 5; i++) h.record({ provider: 'openai', keyId: 'k', ok: false, errorCode: 'CONTEXT_TOO_LONG', latencyMs: 1, ttftMs: null });
    for (let i = 0; i < 5; i++) h.record({ provider: 'openai', keyId: 'k', ok: false, errorCode: 'CANCELLED', latencyMs: 1, ttftMs: null });
    expect(h.isCoolingDown('k')).toBe(false);
    expect(h.key('k').recentCalls).toBe(0);
  });
});
