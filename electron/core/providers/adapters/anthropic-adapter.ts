import type Anthropic from '@anthropic-ai/sdk';
import type { ProviderId } from '../../../../shared/contract/index.js';
import { adapterFailure, blockedFailure, cancelledFailure, streamCutFailure } from './failure.js';
import { historyFor, toAnthropicMessages } from './messages.js';
import { HEARTBEAT, type AdapterEvent, type AdapterRequest, type Classify, type FinishReason, type ProviderAdapter } from './types.js';
import { mergeAnthropicUsage, normaliseAnthropicUsage, type AnthropicUsageLike } from './usage.js';

// Loose views of the wire events; only what the router reads.
interface EventLike {
  type: string;
  message?: { model?: string; usage?: AnthropicUsageLike | null; stop_reason?: string | null };
  index?: number;
  content_block?: { type: string; text?: string; id?: string; name?: string; input?: unknown };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsageLike | null;
}

interface MessageLike {
  model?: string;
  content?: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason?: string | null;
  usage?: AnthropicUsageLike | null;
}

export function anthropicFinish(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

export function anthropicBody(req: AdapterRequest): Record<string, unknown> {
  const { system, messages } = toAnthropicMessages(historyFor(req.messages, (req.tools?.length ?? 0) > 0));
  const body: Record<string, unknown> = { model: req.model, max_tokens: req.maxTokens, messages };
  if (system !== undefined) body.system = system;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters }));
  }
  if (req.stream) body.stream = true;
  return body;
}

/** Anthropic Messages through `@anthropic-ai/sdk`. */
export class AnthropicAdapter implements ProviderAdapter {
  readonly wire = 'anthropic' as const;

  constructor(
    private readonly client: Anthropic,
    private readonly provider: ProviderId,
    private readonly classify: Classify,
  ) {}

  /** POST /v1/messages/count_tokens: the same body as the request, without what does not count (max_tokens, stream). */
  async countTokens(req: AdapterRequest, signal: AbortSignal): Promise<number> {
    const { max_tokens: _max, stream: _stream, temperature: _t, ...body } = anthropicBody({ ...req, stream: false });
    const count = this.client.messages.countTokens.bind(this.client.messages) as unknown as (
      body: Record<string, unknown>,
      options: { signal: AbortSignal; maxRetries: number },
    ) => Promise<{ input_tokens?: unknown }>;
    const res = await count(body, { signal, maxRetries: 0 });
    if (typeof res.input_tokens !== 'number') throw new Error('count_tokens answered without input_tokens');
    return res.input_tokens;
  }

  async *stream(req: AdapterRequest, signal: AbortSignal): AsyncGenerator<AdapterEvent> {
    try {
      const create = this.client.messages.create.bind(this.client.messages) as unknown as (
        body: Record<string, unknown>,
        options: { signal: AbortSignal; maxRetries: number },
      ) => Promise<unknown>;
      const body = anthropicBody(req);
      if (!req.stream) {
        const res = (await create(body, { signal, maxRetries: 0 })) as MessageLike;
        yield { type: 'open' };
        yield* this.fromMessage(res);
        return;
      }
      const stream = (await create(body, { signal, maxRetries: 0 })) as AsyncIterable<EventLike>;
      yield { type: 'open' };
      let usage: AnthropicUsageLike = {};
      let model: string | null = null;
      let stop: string | null = null;
      let stopped = false;
      let text = false;
      // Tool input arrives as JSON fragments per content block index.
      const tools = new Map<number, { id: string; name: string; json: string }>();
      for await (const ev of stream) {
        switch (ev.type) {
          case 'message_start':
            if (ev.message?.model) model = ev.message.model;
            if (ev.message?.usage) {
              usage = mergeAnthropicUsage(usage, ev.message.usage);
              yield { type: 'usage', usage: normaliseAnthropicUsage(usage) };
            } else yield HEARTBEAT;
            break;
          case 'content_block_start': {
            const block = ev.content_block;
            if (block?.type === 'text' && block.text) {
              text = true;
              yield { type: 'text', text: block.text };
            } else {
              if (block?.type === 'tool_use') tools.set(ev.index ?? tools.size, { id: block.id ?? '', name: block.name ?? '', json: '' });
              yield HEARTBEAT;
            }
            break;
          }
          case 'content_block_delta': {
            const d = ev.delta;
            if (d?.type === 'text_delta' && d.text) {
              text = true;
              yield { type: 'text', text: d.text };
            } else {
              if (d?.type === 'input_json_delta' && d.partial_json) {
                const t = tools.get(ev.index ?? -1);
                if (t) t.json += d.partial_json;
              }
              // Thinking and signature deltas, tool input fragments: the stream is alive.
              yield HEARTBEAT;
            }
            break;
          }
          case 'content_block_stop': {
            const t = tools.get(ev.index ?? -1);
            if (t) {
              yield { type: 'tool_call', id: t.id, name: t.name, arguments: t.json === '' ? '{}' : t.json };
              tools.delete(ev.index ?? -1);
            } else yield HEARTBEAT;
            break;
          }
          case 'message_delta':
            if (ev.delta?.stop_reason) stop = ev.delta.stop_reason;
            // Cumulative, not additive: the newest figures replace the older ones.
            if (ev.usage) {
              usage = mergeAnthropicUsage(usage, ev.usage);
              yield { type: 'usage', usage: normaliseAnthropicUsage(usage) };
            } else yield HEARTBEAT;
            break;
          case 'message_stop':
            stopped = true;
            break;
          default:
            yield HEARTBEAT;
            break;
        }
      }
      if (signal.aborted) {
        yield { type: 'error', failure: cancelledFailure() };
        return;
      }
      if (!stopped) {
        yield { type: 'error', failure: streamCutFailure(this.provider) };
        return;
      }
      if (stop === 'refusal' && !text) {
        yield { type: 'error', failure: blockedFailure(this.provider, 'refusal') };
        return;
      }
      yield { type: 'done', finishReason: anthropicFinish(stop), model };
    } catch (err) {
      yield { type: 'error', failure: adapterFailure(err, signal, this.provider, this.classify) };
    }
  }

  private *fromMessage(res: MessageLike): Generator<AdapterEvent> {
    let text = false;
    for (const block of res.content ?? []) {
      if (block.type === 'text' && block.text) {
        text = true;
        yield { type: 'text', text: block.text };
      } else if (block.type === 'tool_use') {
        yield { type: 'tool_call', id: block.id ?? '', name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) };
      }
    }
    if (res.usage) yield { type: 'usage', usage: normaliseAnthropicUsage(res.usage) };
    if (res.stop_reason === 'refusal' && !text) {
      yield { type: 'error', failure: blockedFailure(this.provider, 'refusal') };
      return;
    }
    yield { type: 'done', finishReason: anthropicFinish(res.stop_reason), model: res.model ?? null };
  }
}
