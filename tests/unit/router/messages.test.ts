import { describe, expect, it } from 'vitest';
import { openAIMaxTokensField, toAnthropicMessages, toGeminiContents } from '../../../electron/core/providers/adapters/messages.js';
import { openAIBody } from '../../../electron/core/providers/adapters/openai-adapter.js';
import { anthropicBody } from '../../../electron/core/providers/adapters/anthropic-adapter.js';
import { geminiParams } from '../../../electron/core/providers/adapters/gemini-adapter.js';

describe('message translation', () => {
  it('Anthropic: system to `system`, same roles merged, first message is the user', () => {
    const t = toAnthropicMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'system', content: 'Answer in French.' },
      { role: 'assistant', content: 'c' },
    ]);
    expect(t.system).toBe('Be brief.\n\nAnswer in French.');
    expect(t.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(t.messages[2]!.content).toBe('a\n\nb');
  });

  it('Gemini: system to systemInstruction, assistant becomes model', () => {
    const t = toGeminiContents([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'yo' },
    ]);
    expect(t.systemInstruction).toBe('sys');
    expect(t.contents).toEqual([
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'yo' }] },
    ]);
    const p = geminiParams({ provider: 'gemini', model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], maxTokens: 100, temperature: 0.3, stream: true }, new AbortController().signal);
    expect(p.config).toMatchObject({ maxOutputTokens: 100, temperature: 0.3 });
  });

  it('OpenAI: max_completion_tokens for reasoning models, max_tokens elsewhere; stream asks for usage', () => {
    expect(openAIMaxTokensField('openai', 'o3-mini')).toBe('max_completion_tokens');
    expect(openAIMaxTokensField('openai', 'gpt-5-mini')).toBe('max_completion_tokens');
    expect(openAIMaxTokensField('azure', 'o1')).toBe('max_completion_tokens');
    expect(openAIMaxTokensField('openai', 'gpt-4o-mini')).toBe('max_tokens');
    expect(openAIMaxTokensField('openai-compatible', 'o3')).toBe('max_tokens');
    const body = openAIBody('openai', { provider: 'openai', model: 'o4-mini', messages: [{ role: 'user', content: 'x' }], maxTokens: 50, temperature: 0.2, stream: true });
    expect(body).toMatchObject({ max_completion_tokens: 50, stream: true, stream_options: { include_usage: true } });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('max_tokens');
    const plain = openAIBody('groq', { provider: 'groq', model: 'llama', messages: [{ role: 'user', content: 'x' }], maxTokens: 50, temperature: 1.5, stream: false });
    expect(plain).toMatchObject({ max_tokens: 50, temperature: 1.5 });
    expect(plain).not.toHaveProperty('stream_options');
  });

  it('Anthropic body always carries max_tokens', () => {
    const b = anthropicBody({ provider: 'anthropic', model: 'claude', messages: [{ role: 'user', content: 'x' }], maxTokens: 77, stream: false });
    expect(b).toMatchObject({ max_tokens: 77, model: 'claude' });
    expect(b).not.toHaveProperty('system');
  });
});
