import { describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { OpenAIAdapter } from '../../../electron/core/providers/adapters/openai-adapter.js';
import type { AdapterEvent, AdapterRequest } from '../../../electron/core/providers/adapters/types.js';

// Shapes the fake server does not send but OpenAI-compatible servers do.

function clientStreaming(chunks: unknown[]): OpenAI {
  return {
    chat: {
      completions: {
        create: async () =>
          (async function* () {
            for (const c of chunks) yield c;
          })(),
      },
    },
  } as unknown as OpenAI;
}

const req: AdapterRequest = { provider: 'openai-compatible', model: 'llama', messages: [{ role: 'user', content: 'x' }], maxTokens: 10, stream: true };

async function run(chunks: unknown[]): Promise<AdapterEvent[]> {
  const out: AdapterEvent[] = [];
  const adapter = new OpenAIAdapter(clientStreaming(chunks), 'openai-compatible', () => ({ code: 'PROVIDER_ERROR', message: 'x', status: null, retryable: false, retryAfterMs: null }));
  for await (const ev of adapter.stream(req, new AbortController().signal)) out.push(ev);
  return out;
}

describe('OpenAI adapter with compatible servers', () => {
  it('tolerates choices: null and usage on the last content chunk', async () => {
    const evs = await run([
      { model: 'llama', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }], usage: null },
      { model: 'llama', choices: [{ index: 0, delta: { content: 'Hi' } }] },
      { model: 'llama', choices: [{ index: 0, delta: { content: '!' }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } },
      { model: 'llama', choices: null },
    ]);
    expect(evs.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('')).toBe('Hi!');
    expect(evs.find((e) => e.type === 'usage')).toMatchObject({ usage: { inputTokens: 7, outputTokens: 2 } });
    expect(evs.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop', model: 'llama' });
  });

  it('assembles streamed tool calls', async () => {
    const evs = await run([
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'get_weather', arguments: '' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }, finish_reason: 'tool_calls' }] },
    ]);
    expect(evs.find((e) => e.type === 'tool_call')).toEqual({ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(evs.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
  });

  it('a stream that ends without a finish reason is a cut, not an answer', async () => {
    const evs = await run([{ choices: [{ index: 0, delta: { content: 'Hal' } }] }]);
    expect(evs.at(-1)).toMatchObject({ type: 'error', failure: { code: 'NETWORK', retryable: true } });
  });
});
