import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { filesUnder, rejection, waitFor } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

// chat.send and friends through the real core: keys service, catalog, ledger and limits, router.

let fake: FakeProviders;
let t: TestCore;
const secret = `sk-proj-${'r'.repeat(12)}${Math.random().toString(36).slice(2)}${'q'.repeat(10)}`;
const envSecret = `sk-ant-api03-${'e'.repeat(30)}`;
const ids: Record<string, string> = {};

const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  t = await startTestCore({ env: { ANTHROPIC_API_KEY: envSecret, ANTHROPIC_BASE_URL: fake.baseUrls.anthropic } });
  ids.openai = (await call<{ id: string }>('keys.add', { provider: 'openai', secret, baseUrl: fake.baseUrls.openai })).id;
  ids.gemini = (await call<{ id: string }>('keys.add', { provider: 'gemini', secret: `AIza${'g'.repeat(35)}`, baseUrl: fake.baseUrls.gemini })).id;
});

afterAll(async () => {
  await t.close();
  await fake.close();
});

describe('chat through the core', () => {
  it('answers, meters one ledger row per provider request and reports the cost of the settled record', async () => {
    const r = await call<{ text: string; costUsd: number | null; usage: Record<string, unknown>; attempts: unknown[] }>('chat.send', {
      sessionId: 'c1',
      target: { keyId: ids.openai, model: 'gpt-4o-mini' },
      messages: [{ role: 'user', content: 'hi [[usage:in=1200,out=300,cached=200,reasoning=40]]' }],
    });
    expect(r.usage).toMatchObject({ inputTokens: 1000, cacheReadTokens: 200, outputTokens: 300, reasoningTokens: 40 });
    const recs = await call<{ records: Array<{ costUsd: number | null; status: string; attempt: number; fallbackOf: string | null; id: string }> }>('usage.records', { sessionId: 'c1' });
    expect(recs.records).toHaveLength(1);
    expect(recs.records[0]!.costUsd).toBe(r.costUsd);
    expect(recs.records[0]!.status).toBe('ok');
  });

  it('retries and fallbacks each get a ledger row: retries point at the call they retry, the fallback at the call it falls back from', async () => {
    const r = await call<{ provider: string; attempts: Array<{ status: string; kind: string }> }>('chat.send', {
      sessionId: 'c2',
      target: { keyId: ids.openai, model: 'gpt-4o-mini' },
      messages: [{ role: 'user', content: 'x [[fault:500@openai]]' }],
      fallbacks: [{ keyId: ids.gemini, model: 'gemini-2.5-flash' }],
    });
    expect(r.provider).toBe('gemini');
    type Rec = { id: string; status: string; attempt: number; kind: string; retryOf: string | null; fallbackOf: string | null; provider: string };
    const recs = (await call<{ records: Rec[] }>('usage.records', { sessionId: 'c2' })).records.reverse();
    expect(recs.map((x) => [x.provider, x.status, x.attempt, x.kind])).toEqual([
      ['openai', 'error', 1, 'first'],
      ['openai', 'error', 2, 'retry'],
      ['openai', 'error', 3, 'retry'],
      ['openai', 'error', 4, 'retry'],
      ['gemini', 'ok', 1, 'fallback'],
    ]);
    for (let i = 1; i < 4; i++) expect(recs[i]).toMatchObject({ retryOf: recs[i - 1]!.id, fallbackOf: null });
    expect(recs[4]).toMatchObject({ fallbackOf: recs[3]!.id, retryOf: null });
    expect(r.attempts.map((a) => a.kind)).toEqual(recs.map((x) => x.kind));
  });

  it('streams chat.delta / chat.attempt / chat.done tagged with the stream id', async () => {
    t.events.length = 0;
    const r = await call<{ text: string; streamId: string }>('chat.send', {
      sessionId: 'c3',
      target: { provider: 'gemini', model: 'gemini-2.5-flash' },
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
      streamId: 'stream-c3',
    });
    const mine = t.events.filter((e) => 'streamId' in e.payload && e.payload.streamId === 'stream-c3');
    expect(mine.filter((e) => e.name === 'chat.delta').map((e) => (e.payload as { text: string }).text).join('')).toBe(r.text);
    expect(mine.at(-1)!.name).toBe('chat.done');
    expect(mine.some((e) => e.name === 'chat.attempt')).toBe(true);
  });

  it('the system default is the environment key with its provider’s default model', async () => {
    const r = await call<{ provider: string; model: string; source: string }>('chat.send', { sessionId: 'c4', target: { system: true }, messages: [{ role: 'user', content: 'hi' }] });
    expect(r).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', source: 'environment' });
  });

  it('params are validated against the catalog before any call', async () => {
    const before = fake.stats().requests;
    const err = await rejection(call('chat.send', { sessionId: 'c5', target: { keyId: ids.openai, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'x' }], params: { maxTokens: 9_000_000 } }));
    expect(err.code).toBe('VALIDATION');
    expect(err.details?.field).toBe('params.maxTokens');
    expect(fake.stats().requests).toEqual(before);
  });

  it('chat.estimate gives a cost range', async () => {
    const e = await call<{ promptTokens: number; minCostUsd: number; maxCostUsd: number; provider: string }>('chat.estimate', {
      target: { keyId: ids.openai, model: 'gpt-4o-mini' },
      messages: [{ role: 'user', content: 'How long is a piece of string?' }],
      params: { maxTokens: 100 },
    });
    expect(e.provider).toBe('openai');
    expect(e.promptTokens).toBeGreaterThan(0);
    expect(e.maxCostUsd).toBeGreaterThan(e.minCostUsd);
  });

  it('chat.cancel aborts the provider request and answers CANCELLED with the partial text', async () => {
    t.events.length = 0;
    const p = call('chat.send', { sessionId: 'c6', target: { keyId: ids.openai, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'slow [[delay:100]]' }], stream: true, streamId: 'cancel-me' });
    await waitFor(() => t.events.some((e) => e.name === 'chat.delta'));
    expect(await call('chat.cancel', { streamId: 'cancel-me' })).toEqual({ cancelled: 1 });
    const err = await rejection(p);
    expect(err.code).toBe('CANCELLED');
    expect(String(err.details?.partialText).length).toBeGreaterThan(0);
    await waitFor(() => fake.stats().inFlight === 0);
    expect(Object.values(fake.stats().aborted).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const rec = (await call<{ records: Array<{ status: string; usage: { estimated: boolean } }> }>('usage.records', { sessionId: 'c6' })).records[0]!;
    expect(rec).toMatchObject({ status: 'cancelled', usage: { estimated: true } });
  });

  it('providers.list shows registry data, key counts and health', async () => {
    const { providers } = await call<{ providers: Array<{ id: string; keyCount: number; hasEnvironmentKey: boolean; configured: boolean; health: { recentCalls: number }; keyHealth: Record<string, unknown> }> }>('providers.list', {});
    const openai = providers.find((p) => p.id === 'openai')!;
    expect(openai).toMatchObject({ keyCount: 1, configured: true, hasEnvironmentKey: false });
    expect(openai.health.recentCalls).toBeGreaterThan(0);
    expect(Object.keys(openai.keyHealth)).toContain(ids.openai);
    expect(providers.find((p) => p.id === 'anthropic')).toMatchObject({ hasEnvironmentKey: true, configured: true, keyCount: 0 });
    expect(providers).toHaveLength(11);
  });

  it('deleting a key ends the sessions using it; the conversation keeps its model', async () => {
    const key2 = (await call<{ id: string }>('keys.add', { provider: 'openai', secret: `sk-proj-${'z'.repeat(30)}`, baseUrl: fake.baseUrls.openai })).id;
    await call('sessions.open', { sessionId: 'c7', target: { keyId: key2, model: 'gpt-4o-mini' } });
    await call('chat.send', { sessionId: 'c7', target: { keyId: key2, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'hi' }] });
    t.events.length = 0;
    const del = await call<{ endedSessions: number }>('keys.delete', { id: key2 });
    expect(del.endedSessions).toBe(1);
    expect(t.events.find((e) => e.name === 'session.ended')?.payload).toMatchObject({ sessionId: 'c7', keyId: key2 });
    const err = await rejection(call('chat.send', { sessionId: 'c7', target: { keyId: key2, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'again' }] }));
    expect(['SESSION_ENDED', 'KEY_NOT_FOUND']).toContain(err.code);
    expect(String(err.details?.hint)).toMatch(/another model/);
    const { sessions } = await call<{ sessions: Array<{ sessionId: string; endedAt?: number }> }>('sessions.list', {});
    expect(sessions.find((x) => x.sessionId === 'c7')?.endedAt).toBeDefined();
  });

  it('no secret appears in answers, events or logs', async () => {
    const dump = JSON.stringify(t.events) + t.lines.join('\n');
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(envSecret);
    // Nothing else written in the data dir holds the plain secret (the vault stores ciphertext).
    const data = t.dataDir;
    for (const f of filesUnder(data)) expect(readFileSync(f).includes(secret), f).toBe(false);
  });
});
