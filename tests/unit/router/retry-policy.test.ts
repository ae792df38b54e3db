import { describe, expect, it } from 'vitest';
import { backoffMs, decideRetry, DEFAULT_RETRY_POLICY, abortableSleep } from '../../../electron/core/router/retry-policy.js';
import type { ProviderFailure } from '../../../electron/core/providers/adapters/types.js';

const f = (code: ProviderFailure['code'], retryable: boolean, retryAfterMs: number | null = null): ProviderFailure => ({
  code,
  message: code,
  status: null,
  retryable,
  retryAfterMs,
});
const fresh = { retries: 0, waitedMs: 0, afterFirstToken: false };
const opts = { ...DEFAULT_RETRY_POLICY, random: () => 0.5 };

describe('retry policy', () => {
  it('retries retryable failures at most 3 times, then fails over', () => {
    for (const code of ['RATE_LIMITED', 'PROVIDER_UNAVAILABLE', 'NETWORK', 'TIMEOUT'] as const) {
      for (let retries = 0; retries < 3; retries++) expect(decideRetry(f(code, true), { ...fresh, retries }, opts).kind).toBe('retry');
      expect(decideRetry(f(code, true), { ...fresh, retries: 3 }, opts)).toEqual({ kind: 'fallover', why: 'exhausted' });
    }
  });

  it('honours retry-after exactly and fails over when it is longer than the cap', () => {
    expect(decideRetry(f('RATE_LIMITED', true, 1500), fresh, opts)).toEqual({ kind: 'retry', delayMs: 1500, basis: 'retry-after' });
    expect(decideRetry(f('RATE_LIMITED', true, 45_000), fresh, opts)).toEqual({ kind: 'fallover', why: 'retry-after-too-long' });
  });

  it('backs off exponentially with jitter, capped', () => {
    const lo = { ...opts, random: () => 0 };
    const hi = { ...opts, random: () => 0.999999 };
    expect(backoffMs(1, lo)).toBe(250);
    expect(backoffMs(1, hi)).toBe(500);
    expect(backoffMs(2, hi)).toBe(1000);
    expect(backoffMs(3, hi)).toBe(2000);
    expect(backoffMs(10, hi)).toBe(8000);
    const d = decideRetry(f('PROVIDER_UNAVAILABLE', true), { ...fresh, retries: 1 }, opts);
    expect(d).toEqual({ kind: 'retry', delayMs: 750, basis: 'backoff' });
  });

  it('never retries auth, quota, validation, context or content-policy errors', () => {
    expect(decideRetry(f('KEY_INVALID', false), fresh, opts).kind).toBe('next-key');
    expect(decideRetry(f('QUOTA_EXHAUSTED', false), fresh, opts).kind).toBe('next-key');
    expect(decideRetry(f('PERMISSION_DENIED', false), fresh, opts).kind).toBe('next-key');
    expect(decideRetry(f('VALIDATION', false), fresh, opts)).toEqual({ kind: 'fallover', why: 'not-retryable' });
    expect(decideRetry(f('CONTEXT_TOO_LONG', false), fresh, opts)).toEqual({ kind: 'fallover', why: 'context-too-long' });
    expect(decideRetry(f('CONTENT_FILTERED', false), fresh, opts)).toEqual({ kind: 'stop' });
    expect(decideRetry(f('CANCELLED', false), fresh, opts)).toEqual({ kind: 'stop' });
  });

  it('never retries or fails over once output reached the caller', () => {
    expect(decideRetry(f('NETWORK', true), { ...fresh, afterFirstToken: true }, opts)).toEqual({ kind: 'stop' });
  });

  it('caps the total wait of one entry', () => {
    expect(decideRetry(f('RATE_LIMITED', true, 20_000), { ...fresh, retries: 2, waitedMs: 50_000 }, opts)).toEqual({ kind: 'fallover', why: 'exhausted' });
  });

  it('abortable sleep rejects with the abort reason', async () => {
    const ctl = new AbortController();
    const p = abortableSleep(60_000, ctl.signal);
    ctl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
