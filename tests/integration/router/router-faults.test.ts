import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyEvent, ChatSendRequest, ProviderId } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { cachedAdapterFactory } from '../../../electron/core/providers/adapters/index.js';
import { ChatRouter } from '../../../electron/core/router/router.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { rejection, waitFor } from '../../helpers/assert.js';
import { FakeAdmission, fakeKey, FakeKeys, FakeModels } from '../../unit/router/fakes.js';

// The router with the real adapters and SDKs against the fake provider server; retry waits are
// injected (recorded, not slept) and the stall timeouts are short.

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});

const MODEL: Record<string, string> = { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-6', gemini: 'gemini-2.5-flash' };

interface Setup {
  router: ChatRouter;
  admission: FakeAdmission;
  slept: number[];
  events: AnyEvent[];
}
let s: Setup;

beforeEach(() => {
  fake.reset();
  const keys = new FakeKeys().add(
    fakeKey('oa', 'openai', { baseUrl: fake.baseUrls.openai }),
    fakeKey('oa-spare', 'openai', { baseUrl: fake.baseUrls.openai }),
    fakeKey('an', 'anthropic', { baseUrl: fake.baseUrls.anthropic }),
    fakeKey('ge', 'gemini', { baseUrl: fake.baseUrls.gemini }),
  );
  const models = new FakeModels();
  for (const [p, m] of Object.entries(MODEL)) models.add(p as ProviderId, m);
  const admission = new FakeAdmission();
  const slept: number[] = [];
  const events: AnyEvent[] = [];
  const router = new ChatRouter({
    keys,
    admission,
    models,
    settings: () => ({ keyFailover: true, fallbackToSystemDefault: false, firstTokenTimeoutSec: 1, localFirstTokenTimeoutSec: 1 }),
    emit: (name, payload) => events.push({ name, payload } as AnyEvent),
    logger: silentLogger,
    adapters: cachedAdapterFactory(),
    sleep: async (ms) => {
      slept.push(ms);
    },
    timeouts: { idleMs: 300, requestMs: 300 },
  });
  s = { router, admission, slept, events };
});

const keyOf: Record<string, string> = { openai: 'oa', anthropic: 'an', gemini: 'ge' };
function send(provider: string, text: string, extra: Partial<ChatSendRequest> = {}) {
  return s.router.send({
    sessionId: `s-${Math.random()}`,
    target: { keyId: keyOf[provider]!, model: MODEL[provider]! },
    messages: [{ role: 'user', content: text }],
    ...extra,
  });
}
const to = (provider: string) => ({ keyId: keyOf[provider]!, model: MODEL[provider]! });

function calls(route?: string): number {
  const r = fake.stats().requests;
  return Object.entries(r)
    .filter(([k]) => /chat\/completions|\/messages$|generateContent/i.test(k) && (!route || k.includes(route)))
    .reduce((n, [, v]) => n + v, 0);
}

afterEach(() => {
  // Every provider request is settled exactly once, whatever happened (s is rebuilt for each test).
  for (const row of s.admission.rows) expect(row.settles).toBe(1);
});

describe.each(['openai', 'anthropic', 'gemini'])('%s through the router', (provider) => {
  it.each([false, true])('two 429s then success, waiting what retry-after says (stream %s)', async (stream) => {
    const r = await send(provider, `hello ${stream} [[fault:429x2]]`, { stream });
    expect(r.provider).toBe(provider);
    expect(calls()).toBe(3);
    expect(s.slept).toEqual([1000, 1000]);
    expect(r.attempts.map((a) => a.status)).toEqual(['error', 'error', 'ok']);
    expect(r.usage.estimated).toBe(false);
  });

  it('no retry on an invalid key', async () => {
    // A router of its own: with the setup's other keys, key failover would rightly move on to one of them.
    const bad = new FakeKeys().add(fakeKey('bad', provider as ProviderId, { baseUrl: fake.baseUrls[provider as 'openai'], secret: `sk-test-${'z'.repeat(24)}-invalid` }));
    const r2 = new ChatRouter({
      keys: bad,
      admission: s.admission,
      models: new FakeModels(),
      settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
      emit: () => {},
      logger: silentLogger,
      adapters: cachedAdapterFactory(),
      sleep: async () => {},
    });
    const err = await rejection(r2.send({ sessionId: 'x', target: { keyId: 'bad', model: MODEL[provider]! }, messages: [{ role: 'user', content: 'hi' }] }));
    expect(err.code).toBe('KEY_INVALID');
    expect(calls()).toBe(1);
  });

  it('persistent 500 fails cleanly after 3 retries', async () => {
    const err = await rejection(send(provider, 'hello [[fault:500]]'));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(calls()).toBe(4);
    expect(s.slept).toHaveLength(3);
  });

  it('a cut stream ends with STREAM_INTERRUPTED and keeps the partial text; metered as estimated', async () => {
    const err = await rejection(send(provider, 'a long story [[fault:cut]]', { stream: true, streamId: 'cut-1', fallbacks: [to(provider === 'openai' ? 'anthropic' : 'openai')] }));
    expect(err.code).toBe('STREAM_INTERRUPTED');
    const partial = String(err.details?.partialText);
    expect(partial.length).toBeGreaterThan(0);
    const deltas = s.events.filter((e) => e.name === 'chat.delta').map((e) => (e.payload as { text: string }).text).join('');
    expect(deltas).toBe(partial);
    expect(calls()).toBe(1);
    const rec = s.admission.rows.at(-1)!.record!;
    expect(rec.status).toBe('interrupted');
    expect(rec.usage.estimated).toBe(true);
    expect(s.events.at(-1)).toMatchObject({ name: 'chat.error', payload: { streamId: 'cut-1', partialText: partial } });
  });

  it('a malformed chunk mid-stream keeps the partial text; before any text it falls over', async () => {
    const err = await rejection(send(provider, 'g [[fault:garbage]]', { stream: true }));
    expect(err.code).toBe('STREAM_INTERRUPTED');
    expect(err.details).toMatchObject({ cause: 'PROVIDER_ERROR' });
    expect(String(err.details?.partialText).length).toBeGreaterThan(0);
    const other = provider === 'openai' ? 'anthropic' : 'openai';
    const r = await send(provider, `g2 [[fault:garbage@${provider}]]`, { fallbacks: [to(other)] });
    expect(r.provider).toBe(other);
    expect(r.attempts[0]).toMatchObject({ errorCode: 'PROVIDER_ERROR', chainIndex: 0 });
    expect(r.fallbackNote).toMatch(/malformed/);
  });

  it('a stalled provider times out once (the request is aborted) and the turn falls over', async () => {
    const other = provider === 'openai' ? 'anthropic' : 'openai';
    const r = await send(provider, `wait [[fault:stall@${provider}]]`, { stream: true, fallbacks: [to(other)] });
    expect(r.provider).toBe(other);
    expect(r.attempts.filter((a) => a.errorCode === 'TIMEOUT')).toHaveLength(1);
    await waitFor(() => fake.stats().inFlight === 0);
    expect(Object.values(fake.stats().aborted).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('chat.cancel aborts the provider HTTP request; the partial text comes back with CANCELLED', async () => {
    const p = send(provider, 'slowly [[delay:100]]', { stream: true, streamId: `cancel-${provider}` });
    await waitFor(() => s.events.some((e) => e.name === 'chat.delta'));
    expect(s.router.cancel({ streamId: `cancel-${provider}` })).toBe(1);
    const err = await rejection(p);
    expect(err.code).toBe('CANCELLED');
    expect(String(err.details?.partialText).length).toBeGreaterThan(0);
    await waitFor(() => fake.stats().inFlight === 0);
    expect(Object.values(fake.stats().aborted).reduce((a, b) => a + b, 0)).toBe(1);
    const rec = s.admission.rows.at(-1)!.record!;
    expect(rec).toMatchObject({ status: 'cancelled', usage: { estimated: true } });
  });
});

describe('fallbacks across wire formats', () => {
  it('persistent 500 on OpenAI falls back to Anthropic', async () => {
    const r = await send('openai', 'hello [[fault:500@openai]]', { fallbacks: [to('anthropic')] });
    expect(r.provider).toBe('anthropic');
    expect(calls('openai')).toBe(4);
    expect(calls('anthropic')).toBe(1);
    expect(r.fallbackNote).toBeDefined();
  });

  it('Anthropic overloaded (streaming) falls back to OpenAI', async () => {
    const r = await send('anthropic', 'hello [[fault:529@anthropic]]', { stream: true, fallbacks: [to('openai')] });
    expect(r.provider).toBe('openai');
    expect(r.text.length).toBeGreaterThan(0);
  });

  it('context too long falls to the next entry without retrying', async () => {
    const r = await send('openai', 'big [[fault:context@openai]]', { fallbacks: [to('gemini')] });
    expect(r.provider).toBe('gemini');
    expect(calls('openai')).toBe(1);
  });

  it('usage with cache and reasoning details reaches the answer and the ledger', async () => {
    const r = await send('gemini', 'u [[usage:in=1200,out=300,cached=200,reasoning=40]]', { stream: true });
    expect(r.usage).toEqual({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 40, estimated: false });
    expect(r.costUsd).toBeCloseTo((1000 * 1 + 200 * 0.1 + 300 * 4) / 1e6, 12);
    expect(s.admission.rows.at(-1)!.record!.usage).toEqual(r.usage);
  });
});
