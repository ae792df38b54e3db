import { describe, expect, it } from 'vitest';
import { toAnthropicMessages, toGeminiContents, toOpenAIMessages, flattenToolMessages, historyFor } from '../../../electron/core/providers/adapters/messages.js';
import type { ChatMessage } from '../../../shared/contract/index.js';

// One internal shape for tool calls and results, three wire formats.
const history: ChatMessage[] = [
  { role: 'system', content: 'Use tools.' },
  { role: 'user', content: 'Weather and time?' },
  {
    role: 'assistant',
    content: 'Checking.',
    toolCalls: [
      { id: 'call.1', name: 'weather', arguments: '{"city":"Oslo"}', signature: 'sig' },
      { id: 'call_2', name: 'clock', arguments: '' },
    ],
  },
  { role: 'tool', toolCallId: 'call.1', name: 'weather', content: 'rain' },
  { role: 'tool', toolCallId: 'call_2', name: 'clock', content: 'no clock', isError: true },
  { role: 'user', content: 'Thanks' },
];

describe('tool calls and results in each wire format', () => {
  it('OpenAI: tool_calls on the assistant message, one role:tool message per result', () => {
    const out = toOpenAIMessages(history);
    expect(out[2]).toEqual({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { id: 'call.1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_2', type: 'function', function: { name: 'clock', arguments: '{}' } },
      ],
    });
    expect(out.slice(3, 5)).toEqual([
      { role: 'tool', tool_call_id: 'call.1', content: 'rain' },
      { role: 'tool', tool_call_id: 'call_2', content: 'no clock' },
    ]);
  });

  it('Anthropic: tool_use blocks, then one user turn with every tool_result first and the text after', () => {
    const { system, messages } = toAnthropicMessages(history);
    expect(system).toBe('Use tools.');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]!.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'clock', input: {} },
    ]);
    expect(messages[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_1', content: 'rain' },
      { type: 'tool_result', tool_use_id: 'call_2', content: 'no clock', is_error: true },
      { type: 'text', text: 'Thanks' },
    ]);
  });

  it('Gemini: functionCall parts (with the thought signature) and functionResponse parts in a user turn', () => {
    const { contents } = toGeminiContents(history);
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Checking.' },
        { functionCall: { id: 'call.1', name: 'weather', args: { city: 'Oslo' } }, thoughtSignature: 'sig' },
        { functionCall: { id: 'call_2', name: 'clock', args: {} } },
      ],
    });
    expect(contents[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { id: 'call.1', name: 'weather', response: { output: 'rain' } } },
        { functionResponse: { id: 'call_2', name: 'clock', response: { error: 'no clock' } } },
        { text: 'Thanks' },
      ],
    });
  });

  it('a request that offers no tools carries the tool traffic as words (Anthropic refuses tool blocks without tools)', () => {
    const flat = flattenToolMessages(history);
    expect(flat.every((m) => m.role !== 'tool' && !m.toolCalls)).toBe(true);
    expect(flat[2]!.content).toContain('[Called tool weather with {"city":"Oslo"}]');
    expect(flat[4]!.content).toBe('[Result of tool clock (failed): no clock]');
    expect(historyFor(history, true)).toBe(history);
  });
});
