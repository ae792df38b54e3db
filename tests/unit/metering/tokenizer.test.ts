import { describe, expect, it } from 'vitest';
import { encodingFor, estimatePromptTokens } from '../../../electron/core/metering/tokenizer.js';

const msg = (content: string) => [{ role: 'user' as const, content }];

describe('prompt token estimate', () => {
  it('uses o200k_base for GPT-4o, 4.1, 5 and o-series, cl100k_base for older GPT models', () => {
    expect(encodingFor('openai', 'gpt-4o-mini')).toBe('o200k_base');
    expect(encodingFor('openai', 'gpt-5.4')).toBe('o200k_base');
    expect(encodingFor('openai', 'o4-mini')).toBe('o200k_base');
    expect(encodingFor('openrouter', 'openai/gpt-4.1')).toBe('o200k_base');
    expect(encodingFor('groq', 'openai/gpt-oss-120b')).toBe('o200k_base');
    expect(encodingFor('azure', 'gpt-4o')).toBe('o200k_base');
    expect(encodingFor('openai', 'gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingFor('openai', 'gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingFor('anthropic', 'claude-sonnet-5')).toBeNull();
    expect(encodingFor('openrouter', 'anthropic/claude-sonnet-5')).toBeNull();
    expect(encodingFor('azure', 'my-deployment')).toBeNull();
  });

  it('counts with the real tokenizer plus per-message overhead', () => {
    // "hello world" is 2 tokens in o200k_base; 4 per message + 1 role + 3 reply priming.
    // o200k_base is OpenAI's own tokenizer: its count (with an overhead above the real template's) is the bound.
    expect(estimatePromptTokens(msg('hello world'), 'openai', 'gpt-4o')).toEqual({ tokens: 2 + 4 + 1 + 3, tokenizer: 'o200k_base', upperBound: 2 + 4 + 1 + 3 });
    const two = estimatePromptTokens(
      [
        { role: 'system', content: 'hello world' },
        { role: 'user', content: 'hello world' },
      ],
      'openai',
      'gpt-4o',
    );
    expect(two.tokens).toBe(2 * (2 + 4 + 1) + 3);
    expect(estimatePromptTokens(msg('hello world'), 'openai', 'gpt-4').tokenizer).toBe('cl100k_base');
  });

  it('approximates other families by characters per token, naming the approximation', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20); // 900 ASCII characters
    const claude = estimatePromptTokens(msg(text), 'anthropic', 'claude-sonnet-5');
    expect(claude.tokenizer).toMatch(/^approx-claude/);
    expect(claude.tokens).toBe(Math.ceil(900 / 3.5) + 4 + 1 + 3);
    expect(estimatePromptTokens(msg(text), 'gemini', 'gemini-2.5-flash').tokenizer).toMatch(/^approx-gemini/);
    expect(estimatePromptTokens(msg(text), 'openai-compatible', 'some-local-model').tokenizer).toMatch(/^approx-generic/);
  });

  it('counts text outside ASCII at about a token per character', () => {
    const cjk = '日本語のテキスト'.repeat(10); // 80 characters
    expect(estimatePromptTokens(msg(cjk), 'anthropic', 'claude-haiku-4-5').tokens).toBe(80 + 4 + 1 + 3);
    const emoji = estimatePromptTokens(msg('🚀🚀'), 'gemini', 'gemini-2.5-pro');
    expect(emoji.tokens).toBe(2 + 4 + 1 + 3);
  });

  it('samples very long text instead of spending seconds on it', () => {
    const text = 'word '.repeat(40_000); // 200 000 characters
    const est = estimatePromptTokens(msg(text), 'openai', 'gpt-4o');
    expect(est.tokenizer).toBe('o200k_base (long text sampled)');
    expect(est.tokens).toBeGreaterThan(35_000);
    expect(est.tokens).toBeLessThan(45_000);
  });
});
