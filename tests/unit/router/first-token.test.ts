import { describe, expect, it } from 'vitest';
import type { AdapterEvent } from '../../../electron/core/providers/adapters/types.js';
import { rejection, waitFor } from '../../helpers/assert.js';
import { fail, reply, stallAfter } from './fakes.js';
import { ANTHROPIC, routerSetup, sendVia, settledOnce } from './setup.js';

const waitingEvents = (s: ReturnType<typeof routerSetup>) => s.events.filter((e) => e.name === 'chat.waiting').map((e) => e.payload as Record<string, unknown>);

/** Opens, then pings (keep-alive) every few ms until aborted: alive, but never a token. */
async function* pingForever(signal: AbortSignal): AsyncGenerator<AdapterEvent> {
  yield { type: 'open' };
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 5));
    yield { type: 'heartbeat' };
  }
  yield { type: 'error', failure: { code: 'CANCELLED', message: 'aborted', status: null, retryable: false, retryAfterMs: null } };
}

// Issue 11 item 9: time to first token has its own limit (per provider kind, from settings); a
// first-token stall is one failure for the chain; the user sees the wait and can skip to the fallback.
describe('time to first token', () => {
  it('a stall before the first token is ONE failure: no retry of the entry, straight to the next', async () => {
    const s = routerSetup({ settings: { firstTokenTimeoutSec: 0.05 } });
    s.adapters.on('oa1', (_r, signal) => stallAfter('', signal));
    s.adapters.on('an1', () => reply('rescued'));
    const r = await sendVia(s, { stream: true, fallbacks: [ANTHROPIC] });
    expect(r.provider).toBe('anthropic');
    expect(s.adapters.count('oa1')).toBe(1);
    expect(s.slept).toEqual([]);
    expect(r.attempts[0]).toMatchObject({ status: 'error', errorCode: 'TIMEOUT' });
    expect(r.attempts[0]!.errorMessage).toMatch(/no answer within 1 s|did not start answering/);
    expect(settledOnce(s)).toBe(true);
  });

  it('alone in its chain, a first-token stall ends the turn after one request', async () => {
    const s = routerSetup({ settings: { firstTokenTimeoutSec: 0.05 } });
    s.adapters.on('oa1', (_r, signal) => stallAfter('', signal));
    const err = await rejection(sendVia(s, { stream: true }));
    expect(err.code).toBe('TIMEOUT');
    expect(s.adapters.count('oa1')).toBe(1);
  });

  it('keep-alive pings do not stretch the first-token limit', async () => {
    const s = routerSetup({ settings: { firstTokenTimeoutSec: 0.08 } });
    s.adapters.on('oa1', (_r, signal) => pingForever(signal));
    const err = await rejection(sendVia(s, { stream: true }));
    expect(err.code).toBe('TIMEOUT');
  });

  it('local OpenAI-compatible servers get their own, longer limit', async () => {
    const s = routerSetup({ settings: { firstTokenTimeoutSec: 0.03, localFirstTokenTimeoutSec: 2 } });
    // Loads the model for 120 ms before it writes; an abort ends it the way adapters end.
    const slow = async function* (_r: unknown, signal: AbortSignal) {
      yield { type: 'open' } as AdapterEvent;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 120);
        signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      if (signal.aborted) yield* stallAfter('', signal);
      else yield* reply('loaded the model');
    };
    s.adapters.on('lo1', slow);
    s.adapters.on('oa1', slow);
    const local = await sendVia(s, { stream: true, target: { keyId: 'lo1', model: 'llama3.2' } });
    expect(local.text).toBe('loaded the model');
    expect((await rejection(sendVia(s, { stream: true }))).code).toBe('TIMEOUT');
    expect(waitingEvents(s).map((w) => w.firstTokenTimeoutMs)).toEqual([2000, 30]);
  });

  it('the idle limit once text flows stays: a stall mid-answer ends the turn with the text kept', async () => {
    const s = routerSetup({ timeouts: { idleMs: 40 } });
    s.adapters.on('oa1', (_r, signal) => stallAfter('partial ', signal));
    const err = await rejection(sendVia(s, { stream: true, fallbacks: [ANTHROPIC] }));
    expect(err.code).toBe('STREAM_INTERRUPTED');
    expect(err.details).toMatchObject({ partialText: 'partial ', cause: 'TIMEOUT' });
  });

  it('each request tells who is being waited for, its limit, and what a skip would try', async () => {
    const s = routerSetup();
    s.adapters.on('oa1', () => reply('hi'));
    await sendVia(s, { stream: true, streamId: 'w1', fallbacks: [ANTHROPIC] });
    expect(waitingEvents(s)).toEqual([
      expect.objectContaining({ streamId: 'w1', provider: 'openai', model: 'gpt-4o-mini', keyId: 'oa1', chainIndex: 0, kind: 'first', firstTokenTimeoutMs: 5000, skipTo: ANTHROPIC }),
    ]);
    s.events.length = 0;
    await sendVia(s, { stream: true, streamId: 'w2' });
    expect(waitingEvents(s)).toEqual([expect.objectContaining({ streamId: 'w2', skipTo: null })]);
  });
});

describe('chat.skip', () => {
  it('aborts the waiting request only, records it as skipped by the user, and the fallback answers', async () => {
    const s = routerSetup();
    let signal: AbortSignal | null = null;
    s.adapters.on('oa1', (_r, sig) => {
      signal = sig;
      return stallAfter('', sig);
    });
    s.adapters.on('an1', () => reply('claude here'));
    const p = sendVia(s, { stream: true, streamId: 'sk1', fallbacks: [ANTHROPIC] });
    await waitFor(() => waitingEvents(s).length === 1);
    expect(s.router.skip('sk1')).toBe(true);
    const r = await p;
    expect(signal!.aborted).toBe(true);
    expect(r.provider).toBe('anthropic');
    expect(r.attempts[0]).toMatchObject({ provider: 'openai', status: 'cancelled', errorCode: 'SKIPPED_BY_USER' });
    expect(r.attempts[0]!.errorMessage).toMatch(/You skipped gpt-4o-mini/);
    expect(r.fallbackNote).toMatch(/because you skipped gpt-4o-mini/);
    // The skipped request is metered as stopped, and says why.
    expect(s.admission.rows[0]!.record).toMatchObject({ status: 'cancelled', errorCode: 'SKIPPED_BY_USER' });
    expect(s.adapters.count('oa1')).toBe(1);
    expect(settledOnce(s)).toBe(true);
  });

  it('is refused when nothing comes after the entry, once text flows, and for an unknown stream', async () => {
    const s = routerSetup();
    s.adapters.on('oa1', (_r, sig) => stallAfter('', sig));
    const alone = sendVia(s, { stream: true, streamId: 'sk2' });
    await waitFor(() => waitingEvents(s).length === 1);
    expect(s.router.skip('sk2')).toBe(false);
    expect(s.router.skip('nobody')).toBe(false);
    s.router.cancel({ streamId: 'sk2' });
    expect((await rejection(alone)).code).toBe('CANCELLED');

    s.adapters.on('oa1', (_r, sig) => stallAfter('text already ', sig));
    const writing = sendVia(s, { stream: true, streamId: 'sk3', fallbacks: [ANTHROPIC] });
    await waitFor(() => s.events.some((e) => e.name === 'chat.delta'));
    expect(s.router.skip('sk3')).toBe(false);
    s.router.cancel({ streamId: 'sk3' });
    expect((await rejection(writing)).details?.partialText).toBe('text already ');
  });

  it('during a retry wait it moves on to the next entry without another request', async () => {
    let release: () => void = () => {};
    const s = routerSetup({
      sleep: (_ms, signal) =>
        new Promise<void>((resolve, reject) => {
          release = resolve;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    s.adapters.on('an1', () => reply('claude'));
    const p = sendVia(s, { stream: true, streamId: 'sk4', fallbacks: [ANTHROPIC] });
    await waitFor(() => s.events.some((e) => e.name === 'chat.attempt'));
    await new Promise((r) => setTimeout(r, 5));
    expect(s.router.skip('sk4')).toBe(true);
    const r = await p;
    void release;
    expect(r.provider).toBe('anthropic');
    expect(s.adapters.count('oa1')).toBe(1);
    expect(r.attempts.map((a) => [a.provider, a.status, a.errorCode])).toEqual([
      ['openai', 'error', 'PROVIDER_UNAVAILABLE'],
      ['openai', 'skipped', 'SKIPPED_BY_USER'],
      ['anthropic', 'ok', undefined],
    ]);
  });
});
