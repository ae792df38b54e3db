import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { failure, raw, useFakeProviders } from './harness.js';

const ctx = useFakeProviders();
const KEY = 'sk-or-v1-test0123456789abcdefghijklmnop';
const AZURE_KEY = 'test-azure-key-0123456789';
const user = (content: string) => [{ role: 'user' as const, content }];

function openrouter(apiKey = KEY): OpenAI {
  return new OpenAI({ apiKey, baseURL: ctx.fake.baseUrls.openrouter, maxRetries: 0 });
}

/** OpenRouter's additions to OpenAI's usage object. */
interface OpenRouterUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  is_byok: boolean;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
}

describe('OpenRouter dialect at /openrouter/api/v1', () => {
  it('lists models with prices as strings in USD per token, context length and max completion tokens', async () => {
    expect(ctx.fake.baseUrls.openrouter).toBe(`${ctx.fake.url}/openrouter/api/v1`);
    const page = await openrouter().models.list();
    const byId = new Map(page.data.map((m) => [m.id, m as unknown as Record<string, any>]));
    const haiku = byId.get('anthropic/claude-haiku-4.5')!;
    expect(haiku.pricing).toMatchObject({ prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001', input_cache_write: '0.00000125' });
    expect(haiku.context_length).toBe(200_000);
    expect(haiku.top_provider.max_completion_tokens).toBe(64_000);
    expect(haiku.supported_parameters).toContain('tools');
    for (const m of byId.values()) {
      expect(typeof m.pricing.prompt).toBe('string');
      expect(typeof m.pricing.completion).toBe('string');
    }
    // The auto router's price varies: OpenRouter writes "-1".
    expect(byId.get('openrouter/auto')?.pricing.prompt).toBe('-1');
    expect(ctx.fake.stats().requests['GET /openrouter/api/v1/models']).toBe(1);
  });

  it('answers the model list without a key (it is public), but refuses a key ending -invalid in its own shape', async () => {
    expect((await raw(`${ctx.fake.baseUrls.openrouter}/models`)).status).toBe(200);
    const bad = await raw(`${ctx.fake.baseUrls.openrouter}/models`, { headers: { authorization: `Bearer ${KEY}-invalid` } });
    expect(bad.status).toBe(401);
    expect(bad.json()).toEqual({ error: { code: 401, message: 'User not found.' } });
    expect(bad.text).not.toContain(KEY);
  });

  it('chat completions carry usage.cost (at the listed price), cache_write_tokens and the upstream provider', async () => {
    const res = await openrouter().chat.completions.create({
      model: 'anthropic/claude-haiku-4.5',
      messages: user('priced please [[usage:in=1000,out=200,cached=300,write=100]]'),
    });
    const usage = res.usage as unknown as OpenRouterUsage;
    expect(usage.prompt_tokens).toBe(1000);
    expect(usage.prompt_tokens_details).toMatchObject({ cached_tokens: 300, cache_write_tokens: 100 });
    // 600 × 1e-6 + 300 × 1e-7 + 100 × 1.25e-6 + 200 × 5e-6
    expect(usage.cost).toBeCloseTo(0.0006 + 0.00003 + 0.000125 + 0.001, 12);
    expect(usage.is_byok).toBe(false);
    expect((res as unknown as { provider: string }).provider).toBe('FakeUpstream');
    expect(res.id).toMatch(/^gen-/);
    expect(res.model).toBe('anthropic/claude-haiku-4.5');
    expect(ctx.fake.stats().requests['POST /openrouter/api/v1/chat/completions']).toBe(1);
  });

  it('streams with usage (and cost) at the end even when include_usage was not asked for', async () => {
    const stream = await openrouter().chat.completions.create({ model: 'fake-lab/tiny-chat', messages: user('stream me [[usage:in=10,out=5]]'), stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toContain('stream me');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    const usage = last.usage as unknown as OpenRouterUsage;
    expect(usage.completion_tokens).toBe(5);
    expect(usage.cost).toBeCloseTo(10 * 0.00000099 + 5 * 0.0000023, 12);
    for (const c of chunks) expect(JSON.stringify(c)).not.toContain('obfuscation');
  });

  it('errs the OpenRouter way: 402 for no credit, an SSE error event after a 200 for a failure mid-stream', async () => {
    const quota = (await failure(() => openrouter().chat.completions.create({ model: 'fake-lab/tiny-chat', messages: user('x [[fault:quota]]') }))) as InstanceType<typeof OpenAI.APIError>;
    expect(quota.status).toBe(402);
    expect(quota.message).toMatch(/credits/);
    const invalid = await failure(() => openrouter(`${KEY}-invalid`).chat.completions.create({ model: 'fake-lab/tiny-chat', messages: user('x') }));
    expect(invalid).toBeInstanceOf(OpenAI.AuthenticationError);
    const stream = await openrouter().chat.completions.create({ model: 'fake-lab/tiny-chat', messages: user('x [[fault:sse-error]]'), stream: true });
    const midStream = await failure(async () => {
      for await (const _ of stream) {
        // drain
      }
    });
    expect(midStream).toBeInstanceOf(OpenAI.APIError);
    expect((midStream as Error).message).toMatch(/Provider returned error/);
  });

  it('leaves the plain OpenAI routes as they were (no cost, no forced usage)', async () => {
    const res = await new OpenAI({ apiKey: 'sk-test-openai-0123456789abcdef', baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: user('plain') });
    expect(res.usage).not.toHaveProperty('cost');
    const models = await raw(`${ctx.fake.baseUrls.openai}/models`, { headers: { authorization: 'Bearer sk-test-openai-0123456789abcdef' } });
    expect((models.json() as { data: Array<Record<string, unknown>> }).data[0]).not.toHaveProperty('pricing');
  });
});

describe('Azure deployments the fake does not have', () => {
  function azure(apiKey = AZURE_KEY, deployment?: string): AzureOpenAI {
    return new AzureOpenAI({ apiKey, endpoint: ctx.fake.baseUrls.azure, apiVersion: '2024-10-21', maxRetries: 0, ...(deployment ? { deployment } : {}) });
  }

  it('a deployment named with "missing" answers 404 DeploymentNotFound, as Azure does', async () => {
    const err = (await failure(() => azure(AZURE_KEY, 'my-missing-deployment').chat.completions.create({ model: 'ignored', messages: user('hi') }))) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('DeploymentNotFound');
    expect(err.message).toMatch(/deployment for this resource does not exist/);
    expect(ctx.fake.requests().at(-1)?.path).toBe('/azure/openai/deployments/my-missing-deployment/chat/completions');
  });

  it('checks the key first: a bad key on a missing deployment is 401', async () => {
    const err = await failure(() => azure(`${AZURE_KEY}-invalid`, 'missing').chat.completions.create({ model: 'x', messages: user('hi') }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('the deployment lookup and Azure’s v1 API agree', async () => {
    const got = await raw(`${ctx.fake.baseUrls.azure}/openai/deployments/missing-one?api-version=2022-12-01`, { headers: { 'api-key': AZURE_KEY } });
    expect(got.status).toBe(404);
    expect(got.json()).toMatchObject({ error: { code: 'DeploymentNotFound' } });
    const v1 = new OpenAI({ apiKey: AZURE_KEY, baseURL: `${ctx.fake.baseUrls.azure}/openai/v1`, defaultHeaders: { 'api-key': AZURE_KEY }, maxRetries: 0 });
    const err = (await failure(() => v1.chat.completions.create({ model: 'missing-v1', messages: user('hi') }))) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(err.code).toBe('DeploymentNotFound');
  });

  it('any other deployment name still answers', async () => {
    const res = await azure(AZURE_KEY, 'whatever-name').chat.completions.create({ model: 'x', messages: user('still fine') });
    expect(res.choices[0]?.message.content).toContain('still fine');
  });
});
