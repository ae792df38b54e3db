import { describe, expect, it } from 'vitest';
import { fail, reply } from './fakes.js';
import { ANTHROPIC, routerSetup, sendVia, settledOnce } from './setup.js';

// Issue 11 item 3: a retry, a key failover and a fallback are three different things, recorded as
// such in the attempts and in the ledger (fallbackOf only for a fallback).
describe('retry, key failover and fallback are told apart', () => {
  it('a plain answer is the first call, linked to nothing', async () => {
    const s = routerSetup();
    s.adapters.on('oa1', () => reply('hi'));
    const r = await sendVia(s);
    expect(r.attempts).toEqual([expect.objectContaining({ kind: 'first', attempt: 1, status: 'ok' })]);
    expect(s.admission.rows[0]!.request).toMatchObject({ kind: 'first', retryOf: null, fallbackOf: null, replacedKeyId: null });
    expect(settledOnce(s)).toBe(true);
  });

  it('retries of the main model point at the call they retry, never fallbackOf', async () => {
    const s = routerSetup();
    s.adapters.on('oa1', (_r, _s, n) => (n < 2 ? fail('PROVIDER_UNAVAILABLE', { status: 500 }) : reply('third time')));
    const r = await sendVia(s);
    expect(r.attempts.map((a) => [a.kind, a.attempt, a.status])).toEqual([
      ['first', 1, 'error'],
      ['retry', 2, 'error'],
      ['retry', 3, 'ok'],
    ]);
    const rows = s.admission.rows;
    expect(rows.map((x) => x.request.fallbackOf)).toEqual([null, null, null]);
    expect(rows.map((x) => x.request.retryOf)).toEqual([null, rows[0]!.record!.id, rows[1]!.record!.id]);
    expect(rows.map((x) => x.record!.kind)).toEqual(['first', 'retry', 'retry']);
    expect(r.fallbackNote).toBeUndefined();
  });

  it('a key failover says which key it replaced', async () => {
    const s = routerSetup();
    s.adapters.on('oa1', () => fail('KEY_INVALID', { status: 401 }));
    s.adapters.on('oa2', () => reply('other key'));
    const r = await sendVia(s);
    expect(r.attempts.map((a) => [a.keyId, a.kind])).toEqual([
      ['oa1', 'first'],
      ['oa2', 'key-failover'],
    ]);
    expect(s.admission.rows[1]!.request).toMatchObject({ kind: 'key-failover', replacedKeyId: 'oa1', retryOf: null, fallbackOf: null });
  });

  it('a fallback points at the last call of the entry it falls back from; its own retries are retries', async () => {
    const s = routerSetup();
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    s.adapters.on('an1', (_r, _s, n) => (n === 0 ? fail('RATE_LIMITED', { status: 429, retryAfterMs: 10 }) : reply('claude')));
    const r = await sendVia(s, { fallbacks: [ANTHROPIC] });
    expect(r.attempts.map((a) => [a.chainIndex, a.kind])).toEqual([
      [0, 'first'],
      [0, 'retry'],
      [0, 'retry'],
      [0, 'retry'],
      [1, 'fallback'],
      [1, 'retry'],
    ]);
    const rows = s.admission.rows;
    const fallback = rows[4]!;
    expect(fallback.request).toMatchObject({ kind: 'fallback', fallbackOf: rows[3]!.record!.id, retryOf: null });
    expect(rows[5]!.request).toMatchObject({ kind: 'retry', retryOf: fallback.record!.id, fallbackOf: null });
    // Only the fallback fills fallbackOf.
    expect(rows.filter((x) => x.request.fallbackOf !== null)).toHaveLength(1);
    expect(settledOnce(s)).toBe(true);
  });
});
