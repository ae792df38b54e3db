import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { ChatMessage } from '../../shared/contract/index.js';
import { BENCH_SECRETS, type BenchFixture, type BenchWire } from './fixture.js';

export const MODELS: Record<BenchWire, string> = { openai: 'gpt-4o-mini', anthropic: 'claude-haiku-4-5', gemini: 'gemini-2.5-flash' };

/** One streamed turn; resolves with the answer text and when its first text arrived (performance.now()). */
export type Turn = () => Promise<{ text: string; firstAt: number | null }>;

/** Records the first chat.delta time per streamId from an event stream (core.onEvent or a router's emit). */
export class FirstDelta {
  private readonly first = new Map<string, number>();
  constructor(private readonly prefix: string) {}
  readonly listen = (e: { name: string; payload: unknown }): void => {
    if (e.name !== 'chat.delta') return;
    const id = (e.payload as { streamId: string }).streamId;
    if (id.startsWith(this.prefix) && !this.first.has(id)) this.first.set(id, performance.now());
  };
  take(streamId: string): number | null {
    const t = this.first.get(streamId) ?? null;
    this.first.delete(streamId);
    return t;
  }
}

/** The last request body the fake server received (the router's, so the direct client can send the same). */
export function lastBody(fx: BenchFixture): Record<string, unknown> {
  const sent = fx.fake.requests().at(-1)?.body;
  if (!sent || typeof sent !== 'object') throw new Error('the fake server recorded no JSON request');
  return sent as Record<string, unknown>;
}

/** The same streamed turn through the official SDK straight at the fake server (maxRetries 0), with a given body. */
export function directTurn(fx: BenchFixture, wire: BenchWire, sent: Record<string, unknown>): Turn {
  if (wire === 'openai') {
    const client = new OpenAI({ apiKey: BENCH_SECRETS.openai, baseURL: fx.fake.baseUrls.openai, maxRetries: 0 });
    const body = { ...sent, stream: true as const } as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
    return async () => {
      let text = '';
      let firstAt: number | null = null;
      for await (const chunk of await client.chat.completions.create(body)) {
        const t = chunk.choices[0]?.delta?.content;
        if (t) {
          firstAt ??= performance.now();
          text += t;
        }
      }
      return { text, firstAt };
    };
  }
  if (wire === 'anthropic') {
    const client = new Anthropic({ apiKey: BENCH_SECRETS.anthropic, baseURL: fx.fake.baseUrls.anthropic, maxRetries: 0 });
    const body = { ...sent, stream: true as const } as unknown as Anthropic.MessageCreateParamsStreaming;
    return async () => {
      let text = '';
      let firstAt: number | null = null;
      for await (const ev of await client.messages.create(body)) {
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta' && ev.delta.text) {
          firstAt ??= performance.now();
          text += ev.delta.text;
        }
      }
      return { text, firstAt };
    };
  }
  // @google/genai takes params, not a body: rebuild them from the body the router's adapter produced.
  const client = new GoogleGenAI({ apiKey: BENCH_SECRETS.gemini, httpOptions: { baseUrl: fx.fake.baseUrls.gemini } });
  const gen = (sent.generationConfig ?? {}) as { maxOutputTokens?: number };
  const params = {
    model: MODELS.gemini,
    contents: sent.contents as never,
    config: { ...(gen.maxOutputTokens ? { maxOutputTokens: gen.maxOutputTokens } : {}), ...(sent.systemInstruction ? { systemInstruction: sent.systemInstruction as never } : {}) },
  };
  return async () => {
    let text = '';
    let firstAt: number | null = null;
    for await (const chunk of await client.models.generateContentStream(params)) {
      const t = chunk.text;
      if (t) {
        firstAt ??= performance.now();
        text += t;
      }
    }
    return { text, firstAt };
  };
}

/** The same turn through core.call('chat.send', {stream: true}) in-process. */
export function coreTurn(fx: BenchFixture, wire: BenchWire, messages: ChatMessage[], tag: string = wire): Turn {
  const first = new FirstDelta(`bench-${tag}-`);
  fx.core.onEvent(first.listen);
  let n = 0;
  return async () => {
    const streamId = `bench-${tag}-${++n}`;
    const r = await fx.call<{ text: string }>('chat.send', {
      sessionId: `bench-${tag}`,
      target: { keyId: fx.keyIds[wire], model: MODELS[wire] },
      messages,
      stream: true,
      streamId,
    });
    return { text: r.text, firstAt: first.take(streamId) };
  };
}

/** Runs a turn; ms to the answer and to its first text. */
export async function timed(op: Turn): Promise<{ ms: number; firstMs: number | null; text: string }> {
  const t0 = performance.now();
  const { text, firstAt } = await op();
  return { ms: performance.now() - t0, firstMs: firstAt === null ? null : firstAt - t0, text };
}
