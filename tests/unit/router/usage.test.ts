import { describe, expect, it } from 'vitest';
import {
  estimatedUsage,
  mergeAnthropicUsage,
  normaliseAnthropicUsage,
  normaliseGeminiUsage,
  normaliseOpenAIUsage,
} from '../../../electron/core/providers/adapters/usage.js';

describe('usage normalisation', () => {
  it('OpenAI: cached inside prompt, reasoning inside completion — nothing billed twice', () => {
    const u = normaliseOpenAIUsage({
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 40 },
    });
    expect(u).toEqual({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 40, estimated: false });
  });

  it('DeepSeek: prompt_cache_hit_tokens are cache reads', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 100, completion_tokens: 10, prompt_cache_hit_tokens: 60, prompt_cache_miss_tokens: 40 });
    expect(u).toMatchObject({ inputTokens: 40, cacheReadTokens: 60, outputTokens: 10 });
  });

  it('OpenRouter: cache_write_tokens are part of the prompt, billed as writes', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 1000, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 300 } });
    expect(u).toMatchObject({ inputTokens: 600, cacheReadTokens: 100, cacheWriteTokens: 300, outputTokens: 20 });
  });

  it('servers that report reasoning beside completion tokens still bill it as output', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 115, completion_tokens_details: { reasoning_tokens: 100 } });
    expect(u).toMatchObject({ outputTokens: 105, reasoningTokens: 100 });
  });

  it('tolerates missing and null fields', () => {
    expect(normaliseOpenAIUsage({ prompt_tokens: null, completion_tokens_details: null })).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('Anthropic: cache reads/writes beside input; message_delta usage is cumulative', () => {
    const start = { input_tokens: 1000, cache_read_input_tokens: 200, cache_creation_input_tokens: 50, output_tokens: 1 };
    let acc = mergeAnthropicUsage({}, start);
    acc = mergeAnthropicUsage(acc, { output_tokens: 120, input_tokens: null });
    acc = mergeAnthropicUsage(acc, { output_tokens: 300 });
    expect(normaliseAnthropicUsage(acc)).toEqual({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 50, outputTokens: 300, reasoningTokens: 0, estimated: false });
    expect(normaliseAnthropicUsage({ input_tokens: 1, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } }).reasoningTokens).toBe(30);
  });

  it('Gemini: prompt includes cached, thoughts are billed as output beside candidates', () => {
    const u = normaliseGeminiUsage({ promptTokenCount: 1200, cachedContentTokenCount: 200, candidatesTokenCount: 260, thoughtsTokenCount: 40 });
    expect(u).toEqual({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 40, estimated: false });
  });

  it('estimates are marked', () => {
    expect(estimatedUsage(100, 'abcdefgh')).toEqual({ inputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0, estimated: true });
  });
});
