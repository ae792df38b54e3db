import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../../shared/contract/index.js';
import type { ResolvedKey } from '../../../electron/core/ports.js';
import { buildAdapter, complete, ProviderFailureError } from '../../../electron/core/providers/adapters/index.js';
import type { AdapterEvent, AdapterRequest } from '../../../electron/core/providers/adapters/types.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { waitFor } from '../../helpers/assert.js';

// The real SDKs (openai, @anthropic-ai/sdk, @google/genai) against the fake provider server.

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});

const SECRETS: Record<string, string> = {
  openai: `sk-test-${'a'.repeat(30)}`,
  azure: 'a'.repeat(32),
  anthropic: `sk-ant-test-${'b'.repeat(30)}`,
  gemini: `AIzaTEST${'c'.repeat(31)}`,
  deepseek: `sk-${'d'.repeat(32)}`,
};

function key(provider: ProviderId, extra: Partial<ResolvedKey> = {}): ResolvedKey {
  const base =
    provider === 'anthropic' ? fake.baseUrls.anthropic : provider === 'gemini' ? fake.baseUrls.gemini : provider === 'azure' ? fake.baseUrls.azure : fake.baseUrls.openai;
  return {
    id: `k-${provider}`,
    provider,
    label: provider,
    secret: SECRETS[provider] ?? SECRETS.openai!,
    baseUrl: base,
    options: provider === 'azure' ? { deployment: 'gpt-4o-mini', apiVersion: '2024-10-21' } : {},
    source: 'user',
    ...extra,
  };
}

function request(provider: ProviderId, text: string, stream: boolean): AdapterRequest {
  return {
    provider,
    model: provider === 'anthropic' ? 'claude-sonnet-4-6' : provider === 'gemini' ? 'gemini-2.5-flash' : 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: text },
    ],
    maxTokens: 256,
    temperature: 0.5,
    stream,
  };
}

async function events(provider: ProviderId, text: string, stream: boolean, k = key(provider)): Promise<AdapterEvent[]> {
  const out: AdapterEvent[] = [];
  for await (const ev of buildAdapter(k).stream(request(provider, text, stream), new AbortController().signal)) out.push(ev);
  return out;
}

const last = (evs: AdapterEvent[]) => evs[evs.length - 1]!;
const textOf = (evs: AdapterEvent[]) => evs.map((e) => (e.type === 'text' ? e.text : '')).join('');

const PROVIDERS: ProviderId[] = ['openai', 'azure', 'anthropic', 'gemini'];
const MODES = [true, false];

describe.each(PROVIDERS)('%s adapter', (provider) => {
  it.each(MODES)('answers text with the provider’s usage normalised (stream %s)', async (stream) => {
    const evs = await events(provider, 'hello [[reply:Hi there, friend.]] [[usage:in=1200,out=300,cached=200,reasoning=40]]', stream);
    expect(evs[0]).toEqual({ type: 'open' });
    expect(textOf(evs)).toBe('Hi there, friend.');
    expect(last(evs)).toMatchObject({ type: 'done', finishReason: 'stop' });
    const usages = evs.filter((e) => e.type === 'usage');
    expect(usages.at(-1)).toEqual({
      type: 'usage',
      usage: { inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 40, estimated: false },
    });
  });

  it('the non-streaming call built on stream gathers the answer', async () => {
    const r = await complete(buildAdapter(key(provider)), request(provider, 'x [[reply:All good.]] [[usage:in=10,out=3]]', false), new AbortController().signal);
    expect(r).toMatchObject({ text: 'All good.', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 3 } });
  });

  it('sends the system prompt the provider’s way and the token limit', async () => {
    await events(provider, 'sys check', false);
    const body = fake.requests().at(-1)!.body as Record<string, unknown>;
    if (provider === 'anthropic') {
      expect(body.system).toBe('You are terse.');
      expect(body.max_tokens).toBe(256);
    } else if (provider === 'gemini') {
      expect(JSON.stringify(body.systemInstruction)).toContain('You are terse.');
      expect((body.generationConfig as Record<string, unknown>).maxOutputTokens).toBe(256);
    } else {
      expect((body.messages as Array<{ role: string }>)[0]!.role).toBe('system');
      expect(body.max_tokens).toBe(256);
    }
  });

  it.each(MODES)('a rejected key is KEY_INVALID and not retryable (stream %s)', async (stream) => {
    const evs = await events(provider, 'hi', stream, key(provider, { secret: `${SECRETS[provider] ?? SECRETS.openai}-invalid` }));
    expect(last(evs)).toMatchObject({ type: 'error', failure: { code: 'KEY_INVALID', retryable: false } });
  });

  it.each(MODES)('429 is retryable with the provider’s retry-after (stream %s)', async (stream) => {
    const evs = await events(provider, `rl ${stream} [[fault:429]]`, stream);
    expect(last(evs)).toMatchObject({ type: 'error', failure: { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 1000 } });
  });

  it.each(MODES)('5xx and overload are retryable (stream %s)', async (stream) => {
    for (const fault of ['500', '529', 'sse-error']) {
      const evs = await events(provider, `f ${fault} [[fault:${fault}]]`, stream);
      expect(last(evs), fault).toMatchObject({ type: 'error', failure: { code: 'PROVIDER_UNAVAILABLE', retryable: true } });
      expect(textOf(evs)).toBe('');
    }
  });

  it.each(MODES)('quota, context and content policy are not retryable (stream %s)', async (stream) => {
    const codes: Record<string, string> = { quota: 'QUOTA_EXHAUSTED', context: 'CONTEXT_TOO_LONG', policy: 'CONTENT_FILTERED' };
    for (const [fault, code] of Object.entries(codes)) {
      const evs = await events(provider, `f [[fault:${fault}]]`, stream);
      expect(last(evs), fault).toMatchObject({ type: 'error', failure: { code, retryable: false } });
    }
  });

  it.each(MODES)('translates tool schemas and reports the model’s tool call (stream %s)', async (stream) => {
    const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const out: AdapterEvent[] = [];
    for await (const ev of buildAdapter(key(provider)).stream({ ...request(provider, 'weather in Oslo? [[tool]]', stream), tools }, new AbortController().signal)) out.push(ev);
    const call = out.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({ type: 'tool_call', name: 'get_weather' });
    expect(typeof JSON.parse((call as { arguments: string }).arguments)).toBe('object');
    expect(last(out)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
  });

  it('a stream cut mid-way ends with an error after the text received', async () => {
    const evs = await events(provider, 'tell me a story [[fault:cut]]', true);
    expect(textOf(evs).length).toBeGreaterThan(0);
    expect(last(evs)).toMatchObject({ type: 'error', failure: { code: 'NETWORK', retryable: true } });
    expect(evs.some((e) => e.type === 'done')).toBe(false);
  });

  it('a cut non-streamed answer is an error', async () => {
    const evs = await events(provider, 'story [[fault:cut]]', false);
    expect(last(evs)).toMatchObject({ type: 'error' });
  });

  it.each(MODES)('a malformed chunk is a clear PROVIDER_ERROR (stream %s)', async (stream) => {
    const evs = await events(provider, 'g [[fault:garbage]]', stream);
    expect(last(evs)).toMatchObject({ type: 'error', failure: { code: 'PROVIDER_ERROR', message: expect.stringMatching(/malformed/) } });
  });

  it('aborting the signal aborts the HTTP request', async () => {
    fake.reset();
    const ctl = new AbortController();
    const evs: AdapterEvent[] = [];
    const run = (async () => {
      for await (const ev of buildAdapter(key(provider)).stream(request(provider, 'wait [[fault:stall]]', true), ctl.signal)) evs.push(ev);
    })();
    await waitFor(() => fake.stats().inFlight === 1);
    ctl.abort();
    await run;
    expect(last(evs)).toMatchObject({ type: 'error', failure: { code: 'CANCELLED' } });
    await waitFor(() => fake.stats().inFlight === 0);
    expect(Object.values(fake.stats().aborted).reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('OpenAI-compatible specifics', () => {
  it('streams ask for usage with stream_options.include_usage', async () => {
    await events('deepseek', 'hi', true);
    expect((fake.requests().at(-1)!.body as Record<string, unknown>).stream_options).toEqual({ include_usage: true });
  });

  it('reasoning models get max_completion_tokens and no temperature', async () => {
    const out: AdapterEvent[] = [];
    for await (const ev of buildAdapter(key('openai')).stream({ ...request('openai', 'hi', false), model: 'o4-mini' }, new AbortController().signal)) out.push(ev);
    const body = fake.requests().at(-1)!.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(256);
    expect(body).not.toHaveProperty('max_tokens');
    expect(body).not.toHaveProperty('temperature');
    expect(last(out).type).toBe('done');
  });
});

describe('complete()', () => {
  it('throws the failure', async () => {
    await expect(complete(buildAdapter(key('openai')), request('openai', 'x [[fault:context]]', false), new AbortController().signal)).rejects.toBeInstanceOf(ProviderFailureError);
  });
});
