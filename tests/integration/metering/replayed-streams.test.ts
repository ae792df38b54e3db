import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildAdapter, type AdapterEvent } from '../../../electron/core/providers/adapters/index.js';
import type { ResolvedKey } from '../../../electron/core/ports.js';
import { findCatalogModel } from '../../../shared/catalog/index.js';
import type { ProviderId, Usage } from '../../../shared/contract/index.js';
import { admitRequest, rig, type Rig } from '../../unit/metering/fixtures.js';

// Real providers' answers, replayed to the official SDKs through our adapters, then settled by the
// ledger: the tokens recorded are the provider's own, and the cost is price × tokens (or the cost
// the provider reported). Each stream below is written in the provider's wire format with the
// usage figures of a public recording of a real call (named per case); the text is shortened.

interface Replay {
  contentType: string;
  body: string;
}

let server: Server;
let base = '';
let next: Replay = { contentType: 'text/plain', body: '' };
const rigs: Rig[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': next.contentType });
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  while (rigs.length) rigs.pop()!.cleanup();
});

const sse = (events: Array<{ event?: string; data: unknown }>) =>
  events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`).join('');

function key(provider: ProviderId, path: string): ResolvedKey {
  return { id: `replay-${provider}`, provider, label: 'replay', secret: `replay-secret-${provider}-0000000000000000`, baseUrl: `${base}${path}`, options: {}, source: 'user' };
}

/** Runs one request through the adapter and settles it in a real ledger at the catalog's price. */
async function replay(provider: ProviderId, path: string, model: string, body: Replay, stream: boolean) {
  next = body;
  const events: AdapterEvent[] = [];
  for await (const ev of buildAdapter(key(provider, path)).stream({ provider, model, messages: [{ role: 'user', content: 'hi' }], maxTokens: 1024, stream }, new AbortController().signal)) {
    events.push(ev);
  }
  const failure = events.find((e) => e.type === 'error');
  if (failure && failure.type === 'error') throw new Error(`replay failed: ${failure.failure.message}`);
  const last = events.filter((e) => e.type === 'usage').at(-1) as Extract<AdapterEvent, { type: 'usage' }>;
  const info = findCatalogModel(provider, model)!;
  const r = rig();
  rigs.push(r);
  const res = await r.metering.admission.admit(admitRequest({ provider, model, pricing: info.pricing, pricingTiers: info.pricingTiers, promptTokens: 100_000, maxOutputTokens: 4096 }));
  const record = await res.settle({ status: 'ok', usage: last.usage, latencyMs: 1, ttftMs: 1, reportedCostUsd: last.costUsd ?? null });
  return { usage: last.usage, record, pricing: info.pricing! };
}

const micro = (parts: Array<[number, number | null]>) => parts.reduce((s, [tokens, price]) => s + tokens * (price ?? 0), 0) / 1e6;

describe('replayed real streams: tokens are the provider\'s, cost is price × tokens (or the reported cost)', () => {
  it('OpenAI gpt-4.1-nano (vercel/ai openai-text.chunks.txt): 16 prompt, 300 completion tokens in the final choices:[] chunk', async () => {
    const id = 'chatcmpl-replay-openai';
    const chunk = (choices: unknown[], usage: unknown = null) => ({ id, object: 'chat.completion.chunk', created: 1770933892, model: 'gpt-4.1-nano-2025-04-14', service_tier: 'default', system_fingerprint: 'fp_de604bd877', choices, usage, obfuscation: 'x' });
    const body = sse([
      { data: chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]) },
      { data: chunk([{ index: 0, delta: { content: '**Holiday Name:** Harmony Day' }, logprobs: null, finish_reason: null }]) },
      { data: chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]) },
      {
        data: chunk([], {
          prompt_tokens: 16,
          completion_tokens: 300,
          total_tokens: 316,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        }),
      },
      { data: '[DONE]' },
    ]);
    const { record, pricing } = await replay('openai', '/v1', 'gpt-4.1-nano', { contentType: 'text/event-stream', body }, true);
    expect(record.usage).toEqual({ inputTokens: 16, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0, estimated: false });
    expect(record.costUsd).toBeCloseTo(micro([[16, pricing.input], [300, pricing.output]]), 12);
    expect(record.costSource).toBe('price');
  });

  it('Anthropic claude-sonnet-5 with prompt caching (vercel/ai anthropic-code-execution-20260120-prompt-cache.1.chunks.txt): cumulative message_delta usage wins', async () => {
    const body = sse([
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            model: 'claude-sonnet-5', id: 'msg_replay', type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null,
            usage: { input_tokens: 2, cache_creation_input_tokens: 3068, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 3068, ephemeral_1h_input_tokens: 0 }, output_tokens: 69, service_tier: 'standard' },
          },
        },
      },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      { event: 'ping', data: { type: 'ping' } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'The sum of the squares of 1 through 12 is **650**.' } } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { input_tokens: 6, cache_creation_input_tokens: 3337, cache_read_input_tokens: 6289, output_tokens: 198, output_tokens_details: { thinking_tokens: 0 } },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
    const { record, pricing } = await replay('anthropic', '', 'claude-sonnet-5', { contentType: 'text/event-stream', body }, true);
    expect(record.usage).toEqual({ inputTokens: 6, cacheReadTokens: 6289, cacheWriteTokens: 3337, outputTokens: 198, reasoningTokens: 0, estimated: false });
    expect(record.costUsd).toBeCloseTo(micro([[6, pricing.input], [6289, pricing.cacheRead], [3337, pricing.cacheWrite], [198, pricing.output]]), 12);
  });

  it('Gemini 3 Pro with thinking (vercel/ai google-reasoning.chunks.txt): 9 prompt, 29 candidates + 256 thoughts billed as output', async () => {
    const chunk = (text: string, candidates: number, finish?: string) => ({
      candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: candidates, totalTokenCount: 9 + candidates + 256, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 9 }], thoughtsTokenCount: 256 },
      modelVersion: 'gemini-3-pro-preview',
      responseId: 'replay',
    });
    const body = sse([{ data: chunk('There are **3** "r"s in', 10) }, { data: chunk(' strawberry.', 29) }, { data: chunk('', 29, 'STOP') }]);
    // The recording is of gemini-3-pro-preview; the catalog's current Pro preview prices it.
    const { record, pricing } = await replay('gemini', '', 'gemini-3.1-pro-preview', { contentType: 'text/event-stream', body }, true);
    expect(record.usage).toEqual({ inputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 285, reasoningTokens: 256, estimated: false });
    expect(record.costUsd).toBeCloseTo(micro([[9, pricing.input], [285, pricing.output]]), 12);
  });

  it('DeepSeek deepseek-v4-flash reasoning (vercel/ai deepseek-reasoning.chunks.txt): usage on the finishing chunk, reasoning inside completion', async () => {
    const id = 'b1e23612-replay';
    const chunk = (delta: unknown, finish: string | null, usage: unknown = null) => ({ id, object: 'chat.completion.chunk', created: 1786782776, model: 'deepseek-v4-flash', system_fingerprint: 'fp', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage });
    const body = sse([
      { data: chunk({ role: 'assistant', content: null, reasoning_content: '' }, null) },
      { data: chunk({ content: null, reasoning_content: 'We need to count r in strawberry.' }, null) },
      { data: chunk({ content: 'There are **3**.', reasoning_content: null }, null) },
      {
        data: chunk({ content: '', reasoning_content: null }, 'stop', {
          prompt_tokens: 97, completion_tokens: 106, total_tokens: 203, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 88 }, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 97,
        }),
      },
      { data: '[DONE]' },
    ]);
    const { record, pricing } = await replay('deepseek', '/v1', 'deepseek-v4-flash', { contentType: 'text/event-stream', body }, true);
    expect(record.usage).toEqual({ inputTokens: 97, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 106, reasoningTokens: 88, estimated: false });
    expect(record.costUsd).toBeCloseTo(micro([[97, pricing.input], [106, pricing.output]]), 12);
  });

  it('OpenRouter openai/gpt-4o-mini (a recorded answer, gen-1764926476): usage.cost is the cost, and agrees with price × tokens', async () => {
    const body = JSON.stringify({
      id: 'gen-replay', provider: 'OpenAI', model: 'openai/gpt-4o-mini', object: 'chat.completion', created: 1764926476,
      choices: [{ logprobs: null, finish_reason: 'stop', native_finish_reason: 'stop', index: 0, message: { role: 'assistant', content: 'TypeScript enhances JavaScript.', refusal: null, reasoning: null } }],
      system_fingerprint: 'fp_aa07c96156',
      usage: {
        prompt_tokens: 29, completion_tokens: 33, total_tokens: 62, cost: 0.00002415, is_byok: false,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, video_tokens: 0 },
        cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0.00000435, upstream_inference_completions_cost: 0.0000198 },
        completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
      },
    });
    const { record, pricing } = await replay('openrouter', '/api/v1', 'openai/gpt-4o-mini', { contentType: 'application/json', body }, false);
    expect(record.usage).toEqual({ inputTokens: 29, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 33, reasoningTokens: 0, estimated: false } satisfies Usage);
    expect(record.costUsd).toBeCloseTo(0.00002415, 12);
    expect(record.costSource).toBe('provider-reported');
    expect(record.priceCostUsd).toBeCloseTo(micro([[29, pricing.input], [33, pricing.output]]), 12);
    expect(record.costMismatch).toBe(false);
  });

  it('OpenRouter with the user\'s own key (BYOK): the call cost OpenRouter\'s fee plus what the provider billed upstream', async () => {
    const body = JSON.stringify({
      id: 'gen-byok', model: 'openai/gpt-4o-mini', object: 'chat.completion', created: 1764926476,
      choices: [{ finish_reason: 'stop', index: 0, message: { role: 'assistant', content: 'ok' } }],
      usage: { prompt_tokens: 29, completion_tokens: 33, total_tokens: 62, cost: 0.0000012, is_byok: true, cost_details: { upstream_inference_cost: 0.00002415 } },
    });
    const { record } = await replay('openrouter', '/api/v1', 'openai/gpt-4o-mini', { contentType: 'application/json', body }, false);
    expect(record.costUsd).toBeCloseTo(0.0000012 + 0.00002415, 12);
    expect(record.costSource).toBe('provider-reported');
  });
});
