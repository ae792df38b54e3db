import { afterEach, describe, expect, it } from 'vitest';
import type { AnyEvent, ChatSendRequest } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { ChatRouter } from '../../../electron/core/router/router.js';
import { HealthTracker } from '../../../electron/core/router/health.js';
import { providerInfos } from '../../../electron/core/router/handlers.js';
import { rejection } from '../../helpers/assert.js';
import { cutAfter, fail, FakeAdmission, fakeKey, FakeKeys, FakeModels, reply, ScriptedAdapters, stallAfter } from './fakes.js';

interface Setup {
  router: ChatRouter;
  keys: FakeKeys;
  models: FakeModels;
  admission: FakeAdmission;
  adapters: ScriptedAdapters;
  events: AnyEvent[];
  slept: number[];
  settings: { keyFailover: boolean; fallbackToSystemDefault: boolean; firstTokenTimeoutSec: number };
}

let current: Setup | null = null;

function setup(opts: { firstTokenMs?: number; timeouts?: { idleMs?: number; requestMs?: number }; now?: () => number } = {}): Setup {
  const keys = new FakeKeys().add(
    fakeKey('oa1', 'openai'),
    fakeKey('oa2', 'openai'),
    fakeKey('an1', 'anthropic'),
    fakeKey('ge1', 'gemini'),
  );
  const models = new FakeModels()
    .add('openai', 'gpt-4o-mini', { maxOutputTokens: 16_384 })
    .add('anthropic', 'claude-sonnet-4-6', { maxOutputTokens: 64_000 })
    .add('gemini', 'gemini-2.5-flash', { maxOutputTokens: 65_536 });
  const admission = new FakeAdmission();
  const adapters = new ScriptedAdapters();
  const events: AnyEvent[] = [];
  const slept: number[] = [];
  const settings = { keyFailover: true, fallbackToSystemDefault: false, firstTokenTimeoutSec: (opts.firstTokenMs ?? 1000) / 1000 };
  const router = new ChatRouter({
    keys,
    admission,
    models,
    settings: () => settings,
    emit: (name, payload) => events.push({ name, payload } as AnyEvent),
    logger: silentLogger,
    adapters: adapters.factory,
    sleep: async (ms) => {
      slept.push(ms);
    },
    retry: { random: () => 0.5 },
    timeouts: { idleMs: 1000, requestMs: 1000, ...opts.timeouts },
    ...(opts.now ? { health: new HealthTracker({ now: opts.now }) } : {}),
  });
  current = { router, keys, models, admission, adapters, events, slept, settings };
  return current;
}

afterEach(() => {
  // Every provider request is settled exactly once, whatever happened.
  if (current) {
    for (const row of current.admission.rows) expect(row.settles).toBe(1);
    expect(current.router.running).toBe(0);
  }
  current = null;
});

const send = (s: Setup, extra: Partial<ChatSendRequest> = {}) =>
  s.router.send({ sessionId: 's1', target: { keyId: 'oa1', model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'hello' }], ...extra });

describe('chat turn', () => {
  it('answers with text, usage, the ledger cost and one attempt', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('Hello there', { input: 1000, output: 500 }));
    const r = await send(s);
    expect(r).toMatchObject({ text: 'Hello there', provider: 'openai', model: 'gpt-4o-mini', keyId: 'oa1', source: 'user' });
    expect(r.usage).toMatchObject({ inputTokens: 1000, outputTokens: 500, estimated: false });
    expect(r.costUsd).toBeCloseTo((1000 * 1 + 500 * 4) / 1e6, 12);
    expect(r.costUsd).toBe(s.admission.rows[0]!.record!.costUsd);
    expect(r.attempts).toEqual([expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', keyId: 'oa1', status: 'ok', chainIndex: 0, attempt: 1 })]);
    expect(r.fallbackNote).toBeUndefined();
    expect(s.admission.rows[0]!.request).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', keyId: 'oa1', maxOutputTokens: 8192, attempt: 1, fallbackOf: null });
    expect(s.keys.used).toEqual([{ keyId: 'oa1', ok: true }]);
  });

  it('reserves params.maxTokens, else the model limit, else 4096; unknown price costs null, never 0', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('x'));
    await send(s, { params: { maxTokens: 300 } });
    await send(s, { target: { keyId: 'oa1', model: 'not-in-catalog' } });
    expect(s.admission.rows.map((r) => r.request.maxOutputTokens)).toEqual([300, 4096]);
    const r = await send(s, { target: { keyId: 'oa1', model: 'not-in-catalog' } });
    expect(r.costUsd).toBeNull();
  });

  it('streams deltas tagged with the stream id, then attempts and done', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('abcdefgh'));
    const r = await send(s, { stream: true, streamId: 'st-1' });
    const names = s.events.map((e) => e.name);
    expect(names).toEqual(['chat.waiting', 'chat.delta', 'chat.delta', 'chat.attempt', 'chat.done']);
    expect(s.events.filter((e) => e.name === 'chat.delta').map((e) => (e.payload as { text: string }).text).join('')).toBe('abcdefgh');
    expect(s.events.every((e) => (e.payload as { streamId: string }).streamId === 'st-1')).toBe(true);
    expect(r.streamId).toBe('st-1');
  });

  it('generates a stream id when none is given', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('ok'));
    const r = await send(s, { stream: true });
    expect(typeof r.streamId).toBe('string');
    expect((s.events[0]!.payload as { streamId: string }).streamId).toBe(r.streamId);
  });
});

describe('retries', () => {
  it('two 429s then success: retry-after honoured, 3 requests, 3 ledger rows, each retry pointing at the call it retries', async () => {
    const s = setup();
    s.adapters.on('oa1', (_r, _s, n) => (n < 2 ? fail('RATE_LIMITED', { status: 429, retryAfterMs: 1200 }) : reply('fine')));
    const r = await send(s);
    expect(r.text).toBe('fine');
    expect(s.adapters.count('oa1')).toBe(3);
    expect(s.slept).toEqual([1200, 1200]);
    expect(r.attempts.map((a) => [a.status, a.attempt, a.errorCode])).toEqual([
      ['error', 1, 'RATE_LIMITED'],
      ['error', 2, 'RATE_LIMITED'],
      ['ok', 3, undefined],
    ]);
    const rows = s.admission.rows;
    expect(rows.map((x) => x.record!.status)).toEqual(['error', 'error', 'ok']);
    expect(rows.map((x) => x.request.retryOf)).toEqual([null, rows[0]!.record!.id, rows[1]!.record!.id]);
    expect(rows.map((x) => x.request.fallbackOf)).toEqual([null, null, null]);
    // A provider that refused the request billed nothing.
    expect(rows[0]!.record!.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, estimated: false });
  });

  it('persistent 5xx: at most 3 retries (4 requests) with growing backoff, then a clean error', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    const err = await rejection(send(s));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(s.adapters.count('oa1')).toBe(4);
    expect(s.slept).toEqual([375, 750, 1500]);
    expect((err.details?.attempts as unknown[]).length).toBe(4);
  });

  it('no retry on an invalid key; fails over to the provider’s next key and says which key answered', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('KEY_INVALID', { status: 401 }));
    s.adapters.on('oa2', () => reply('from key two'));
    const r = await send(s);
    expect(s.adapters.count('oa1')).toBe(1);
    expect(r.keyId).toBe('oa2');
    expect(r.attempts.map((a) => [a.keyId, a.status, a.attempt])).toEqual([
      ['oa1', 'error', 1],
      ['oa2', 'ok', 2],
    ]);
    expect(r.fallbackNote).toMatch(/another OpenAI key/);
    expect(s.slept).toEqual([]);
  });

  it('without key failover an invalid key ends the turn after one request', async () => {
    const s = setup();
    s.settings.keyFailover = false;
    s.adapters.on('oa1', () => fail('QUOTA_EXHAUSTED', { status: 429 }));
    s.adapters.on('oa2', () => reply('never'));
    const err = await rejection(send(s));
    expect(err.code).toBe('QUOTA_EXHAUSTED');
    expect(s.adapters.count('oa1')).toBe(1);
    expect(s.adapters.count('oa2')).toBe(0);
  });

  it('a retry-after beyond the cap fails over instead of waiting', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('RATE_LIMITED', { status: 429, retryAfterMs: 120_000 }));
    s.adapters.on('an1', () => reply('anthropic here'));
    const r = await send(s, { fallbacks: [{ keyId: 'an1', model: 'claude-sonnet-4-6' }] });
    expect(r.provider).toBe('anthropic');
    expect(s.slept).toEqual([]);
    expect(s.adapters.count('oa1')).toBe(1);
  });
});

describe('fallbacks', () => {
  it('a failure before the first token falls over to the next entry, and the answer says so', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    s.adapters.on('an1', () => reply('claude answers'));
    const r = await send(s, { fallbacks: [{ keyId: 'an1', model: 'claude-sonnet-4-6' }] });
    expect(r).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-6', keyId: 'an1', text: 'claude answers' });
    expect(r.fallbackNote).toMatch(/fallback 1 \(Anthropic claude-sonnet-4-6\)/);
    expect(r.attempts.at(-1)).toMatchObject({ chainIndex: 1, attempt: 1, status: 'ok' });
    expect(r.attempts.filter((a) => a.chainIndex === 0)).toHaveLength(4);
    const rows = s.admission.rows;
    expect(rows.at(-1)!.request.fallbackOf).toBe(rows.at(-2)!.record!.id);
  });

  it('context too long goes straight to the next entry', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('CONTEXT_TOO_LONG', { status: 400 }));
    s.adapters.on('ge1', () => reply('long context ok'));
    const r = await send(s, { fallbacks: [{ keyId: 'ge1', model: 'gemini-2.5-flash' }] });
    expect(r.provider).toBe('gemini');
    expect(s.adapters.count('oa1')).toBe(1);
  });

  it('after the first token a failure ends the turn with STREAM_INTERRUPTED and keeps the text', async () => {
    const s = setup();
    s.adapters.on('oa1', () => cutAfter('Once upon a'));
    s.adapters.on('an1', () => reply('never used'));
    const p = send(s, { stream: true, streamId: 'cut', fallbacks: [{ keyId: 'an1', model: 'claude-sonnet-4-6' }] });
    const err = await rejection(p);
    expect(err.code).toBe('STREAM_INTERRUPTED');
    expect(err.details?.partialText).toBe('Once upon a');
    expect(s.adapters.count('an1')).toBe(0);
    expect(s.adapters.count('oa1')).toBe(1);
    const ev = s.events.find((e) => e.name === 'chat.error');
    expect(ev?.payload).toMatchObject({ streamId: 'cut', partialText: 'Once upon a', error: { code: 'STREAM_INTERRUPTED' } });
    const rec = s.admission.rows[0]!.record!;
    expect(rec.status).toBe('interrupted');
    expect(rec.usage.estimated).toBe(true);
    expect(rec.usage.outputTokens).toBeGreaterThan(0);
    expect(rec.usage.inputTokens).toBeGreaterThan(0);
  });

  it('a turn whose every entry fails reports the last failure and every attempt', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('KEY_INVALID', { status: 401 }));
    s.adapters.on('oa2', () => fail('KEY_INVALID', { status: 401 }));
    s.adapters.on('an1', () => fail('CONTENT_FILTERED'));
    const err = await rejection(send(s, { fallbacks: [{ keyId: 'an1', model: 'claude-sonnet-4-6' }] }));
    expect(err.code).toBe('CONTENT_FILTERED');
    expect((err.details?.attempts as Array<{ keyId: string }>).map((a) => a.keyId)).toEqual(['oa1', 'oa2', 'an1']);
  });

  it('a deleted fallback key is skipped, not fatal', async () => {
    const s = setup();
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 503 }));
    s.adapters.on('ge1', () => reply('gemini'));
    const r = await send(s, { fallbacks: [{ keyId: 'gone', model: 'x' }, { keyId: 'ge1', model: 'gemini-2.5-flash' }] });
    expect(r.provider).toBe('gemini');
    expect(r.attempts.find((a) => a.status === 'skipped')).toMatchObject({ errorCode: 'KEY_NOT_FOUND', chainIndex: 1 });
  });
});

describe('timeouts and cancellation', () => {
  it('a stall before the first token is one TIMEOUT for the chain: it falls over without retrying', async () => {
    const s = setup({ firstTokenMs: 40, timeouts: { idleMs: 40 } });
    const signals: AbortSignal[] = [];
    s.adapters.on('oa1', (_r, signal) => {
      signals.push(signal);
      return stallAfter('', signal);
    });
    s.adapters.on('an1', () => reply('rescued'));
    const r = await send(s, { stream: true, fallbacks: [{ keyId: 'an1', model: 'claude-sonnet-4-6' }] });
    expect(r.provider).toBe('anthropic');
    expect(r.attempts.filter((a) => a.errorCode === 'TIMEOUT')).toHaveLength(1);
    // Our watchdog aborted the stalled HTTP request.
    expect(signals.every((sig) => sig.aborted)).toBe(true);
  });

  it('a model that thinks in silence before writing gets the first-token limit, not idleMs', async () => {
    const s = setup({ firstTokenMs: 500, timeouts: { idleMs: 30 } });
    s.adapters.on('oa1', async function* () {
      yield { type: 'open' };
      await new Promise((r) => setTimeout(r, 80));
      yield* reply('thought about it');
    });
    const r = await send(s, { stream: true });
    expect(r.text).toBe('thought about it');
  });

  it('no response at all is a TIMEOUT that says so', async () => {
    const s = setup({ firstTokenMs: 30 });
    s.adapters.on('oa1', async function* (_r, signal) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      yield { type: 'error', failure: { code: 'CANCELLED', message: 'aborted', status: null, retryable: false, retryAfterMs: null } };
    });
    const err = await rejection(send(s, { stream: true }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/did not respond/);
    expect(s.adapters.count('oa1')).toBe(1);
  });

  it('a stall mid-stream ends the turn with the partial text', async () => {
    const s = setup({ timeouts: { idleMs: 40 } });
    s.adapters.on('oa1', (_r, signal) => stallAfter('partial ', signal));
    const err = await rejection(send(s, { stream: true }));
    expect(err.code).toBe('STREAM_INTERRUPTED');
    expect(err.details).toMatchObject({ partialText: 'partial ', cause: 'TIMEOUT' });
  });

  it('chat.cancel aborts the provider request; the answer is CANCELLED with the partial text, still metered', async () => {
    const s = setup();
    let signal: AbortSignal | null = null;
    s.adapters.on('oa1', (_r, sig) => {
      signal = sig;
      return stallAfter('so far', sig);
    });
    const p = send(s, { stream: true, streamId: 'c1' });
    await new Promise((r) => setTimeout(r, 10));
    expect(s.router.cancel({ streamId: 'c1' })).toBe(1);
    const err = await rejection(p);
    expect(err.code).toBe('CANCELLED');
    expect(err.details?.partialText).toBe('so far');
    expect(signal!.aborted).toBe(true);
    const rec = s.admission.rows[0]!.record!;
    expect(rec.status).toBe('cancelled');
    expect(rec.usage.estimated).toBe(true);
    expect(s.events.find((e) => e.name === 'chat.error')?.payload).toMatchObject({ partialText: 'so far', error: { code: 'CANCELLED' } });
  });

  it('cancel by session id, and cancelling nothing answers 0', async () => {
    const s = setup();
    s.adapters.on('oa1', (_r, sig) => stallAfter('', sig));
    const p = send(s);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.router.cancel({ sessionId: 'nobody' })).toBe(0);
    expect(s.router.cancel({ sessionId: 's1' })).toBe(1);
    expect((await rejection(p)).code).toBe('CANCELLED');
  });

  it('cancel during a retry wait stops the turn without another request', async () => {
    const s = setup();
    const ctlHolder: { sleepStarted?: () => void } = {};
    const router = new ChatRouter({
      keys: s.keys,
      admission: s.admission,
      models: s.models,
      settings: () => s.settings,
      emit: () => {},
      logger: silentLogger,
      adapters: s.adapters.factory,
      sleep: (_ms, signal) =>
        new Promise((_res, rej) => {
          ctlHolder.sleepStarted?.();
          signal.addEventListener('abort', () => rej(signal.reason), { once: true });
        }),
    });
    s.adapters.on('oa1', () => fail('RATE_LIMITED', { retryAfterMs: 5000 }));
    const slept = new Promise<void>((r) => (ctlHolder.sleepStarted = r));
    const p = router.send({ sessionId: 'sx', target: { keyId: 'oa1', model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'x' }] });
    await slept;
    router.cancel({ sessionId: 'sx' });
    expect((await rejection(p)).code).toBe('CANCELLED');
    expect(s.adapters.count('oa1')).toBe(1);
  });
});

describe('admission and validation', () => {
  it('a limit refusing every entry ends the turn with LIMIT_EXCEEDED before any provider request', async () => {
    const s = setup();
    s.admission.tokenLimit = 100;
    s.adapters.on('oa1', () => reply('never'));
    const err = await rejection(send(s, { fallbacks: [{ keyId: 'an1', model: 'claude-sonnet-4-6' }] }));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(s.adapters.calls).toHaveLength(0);
  });

  it('max tokens above the model limit and temperatures a provider refuses are VALIDATION errors naming the field', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('never'));
    s.adapters.on('an1', () => reply('never'));
    const e1 = await rejection(send(s, { params: { maxTokens: 20_000 } }));
    expect(e1.code).toBe('VALIDATION');
    expect(e1.details?.field).toBe('params.maxTokens');
    const e2 = await rejection(send(s, { target: { keyId: 'an1', model: 'claude-sonnet-4-6' }, params: { temperature: 1.5 } }));
    expect(e2.details?.field).toBe('params.temperature');
    const e3 = await rejection(send(s, { params: { temperature: 3 } }));
    expect(e3.details?.field).toBe('params.temperature');
    expect(s.adapters.calls).toHaveLength(0);
    expect(s.admission.rows).toHaveLength(0);
  });

  it('a fallback with a smaller output limit or temperature range gets clamped values', async () => {
    const s = setup();
    s.models.add('anthropic', 'small', { maxOutputTokens: 1000 });
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    s.adapters.on('an1', () => reply('ok'));
    await send(s, { params: { maxTokens: 8000, temperature: 1.8 }, fallbacks: [{ keyId: 'an1', model: 'small' }] });
    const req = s.adapters.calls.at(-1)!.req;
    expect(req.maxTokens).toBe(1000);
    expect(req.temperature).toBe(1);
  });
});

describe('health', () => {
  it('a key failing 3 times in a row cools down and is skipped while another entry can serve', async () => {
    let now = 1_000_000;
    const s = setup({ now: () => now });
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    s.adapters.on('an1', () => reply('ok'));
    const fallbacks = [{ keyId: 'an1', model: 'claude-sonnet-4-6' }];
    await send(s, { fallbacks });
    expect(s.adapters.count('oa1')).toBe(4);
    expect(s.router.health.isCoolingDown('oa1')).toBe(true);
    const r = await send(s, { fallbacks });
    expect(s.adapters.count('oa1')).toBe(4);
    expect(r.attempts[0]).toMatchObject({ keyId: 'oa1', status: 'skipped', errorCode: 'COOLING_DOWN' });
    expect(r.provider).toBe('anthropic');
    // Alone in its chain, a cooling key is still tried.
    s.adapters.on('oa1', () => reply('back'));
    expect((await send(s)).text).toBe('back');
    now += 31_000;
    expect(s.router.health.isCoolingDown('oa1')).toBe(false);
    const info = providerInfos(await s.keys.list(), s.keys, s.router).find((p) => p.id === 'openai')!;
    expect(info.keyCount).toBe(2);
    expect(info.health.recentCalls).toBeGreaterThan(0);
    expect(info.health.errorRate).toBeGreaterThan(0);
    expect(info.keyHealth.oa1!.recentCalls).toBe(5);
  });
});

describe('sessions', () => {
  it('deleting a key ends its sessions: running turns abort, session.ended is emitted, the model is not swapped', async () => {
    const s = setup();
    s.adapters.on('oa1', (_r, sig) => stallAfter('half', sig));
    const p = send(s, { stream: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(s.router.sessions.endSessionsUsingKey('oa1', 'the key was deleted')).toBe(1);
    const err = await rejection(p);
    expect(err.code).toBe('SESSION_ENDED');
    expect(err.details?.partialText).toBe('half');
    expect(s.events.find((e) => e.name === 'session.ended')?.payload).toEqual({ sessionId: 's1', reason: 'the key was deleted', keyId: 'oa1' });
    const again = await rejection(send(s));
    expect(again.code).toBe('SESSION_ENDED');
    expect(String(again.details?.hint)).toMatch(/another model/);
    // Picking another model reopens the conversation.
    s.adapters.on('an1', () => reply('new model'));
    expect((await send(s, { target: { keyId: 'an1', model: 'claude-sonnet-4-6' } })).text).toBe('new model');
    expect(s.router.sessions.list().find((x) => x.sessionId === 's1')?.endedAt).toBeUndefined();
  });

  it('provider targets tie the session to the key that served it', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('x'));
    await send(s, { sessionId: 'p1', target: { provider: 'openai', model: 'gpt-4o-mini' } });
    expect(s.router.sessions.endSessionsUsingKey('oa2', 'deleted')).toBe(0);
    expect(s.router.sessions.endSessionsUsingKey('oa1', 'deleted')).toBe(1);
  });

  it('a missing key says how to fix it', async () => {
    const s = setup();
    const err = await rejection(send(s, { target: { keyId: 'nope', model: 'gpt-4o-mini' } }));
    expect(err.code).toBe('KEY_NOT_FOUND');
    expect(String(err.details?.hint)).toMatch(/another model/);
  });

  it('sessions.open records the target; close forgets it', () => {
    const s = setup();
    const info = s.router.sessions.open({ sessionId: 'o1', target: { provider: 'gemini', model: 'gemini-2.5-flash' } });
    expect(info).toMatchObject({ sessionId: 'o1', provider: 'gemini', model: 'gemini-2.5-flash', fallbacks: [] });
    expect(s.router.sessions.list().map((x) => x.sessionId)).toContain('o1');
    expect(s.router.sessions.close('o1')).toBe(true);
    expect(s.router.sessions.close('o1')).toBe(false);
  });
});

describe('system default', () => {
  it('is unavailable without environment keys and says how to fix it', async () => {
    const s = setup();
    const err = await rejection(send(s, { target: { system: true } }));
    expect(err.code).toBe('SYSTEM_DEFAULT_UNAVAILABLE');
    expect(String(err.details?.hint)).toMatch(/Settings/);
  });

  it('uses the first provider with an environment key, with its default model', async () => {
    const s = setup();
    s.keys.env.set('anthropic', fakeKey('env:anthropic', 'anthropic', { source: 'environment' }));
    s.keys.env.set('gemini', fakeKey('env:gemini', 'gemini', { source: 'environment' }));
    s.adapters.on('env:anthropic', () => reply('from env'));
    const r = await send(s, { target: { system: true } });
    expect(r).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', source: 'environment', keyId: 'env:anthropic' });
  });

  it('with fallbackToSystemDefault a failed own-key turn falls back to it and says so', async () => {
    const s = setup();
    s.settings.fallbackToSystemDefault = true;
    s.settings.keyFailover = false;
    s.keys.env.set('gemini', fakeKey('env:gemini', 'gemini', { source: 'environment' }));
    s.adapters.on('oa1', () => fail('KEY_INVALID', { status: 401 }));
    s.adapters.on('env:gemini', () => reply('system here'));
    const r = await send(s);
    expect(r).toMatchObject({ provider: 'gemini', source: 'environment' });
    expect(r.fallbackNote).toMatch(/system default/);
  });
});

describe('chat.estimate', () => {
  it('gives the prompt tokens and the cost range', async () => {
    const s = setup();
    const e = await s.router.estimate({ target: { keyId: 'oa1', model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'x'.repeat(396) }], params: { maxTokens: 1000 } });
    expect(e).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', promptTokens: 100, maxOutputTokens: 1000 });
    expect(e.minCostUsd).toBeCloseTo(100 / 1e6, 12);
    expect(e.maxCostUsd).toBeCloseTo((100 + 4000) / 1e6, 12);
    const none = await s.router.estimate({ target: { system: true }, messages: [{ role: 'user', content: 'x' }] });
    expect(none).toMatchObject({ provider: null, model: null, minCostUsd: null, maxCostUsd: null });
  });
});
