import type OpenAI from 'openai';
import type { ProviderId } from '../../../../shared/contract/index.js';
import { adapterFailure, cancelledFailure, streamCutFailure } from './failure.js';
import { historyFor, isOpenAIReasoningModel, openAIMaxTokensField, toOpenAIMessages } from './messages.js';
import { HEARTBEAT, type AdapterEvent, type AdapterRequest, type Classify, type FinishReason, type ProviderAdapter } from './types.js';
import { normaliseOpenAIUsage, reportedCostUsd, type OpenAIUsageLike } from './usage.js';

interface ToolAcc {
  id: string;
  name: string;
  args: string;
}

// Loose views of the wire objects: OpenAI-compatible servers send shapes the SDK types do not
// promise (choices: null, usage on a content chunk, DeepSeek's cache fields).
interface ChunkLike {
  model?: string | null;
  choices?: Array<{
    index?: number;
    delta?: { content?: string | null; tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> | null } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: OpenAIUsageLike | null;
}

interface CompletionLike {
  model?: string | null;
  choices?: Array<{
    message?: { content?: string | null; tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }> | null; refusal?: string | null } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: OpenAIUsageLike | null;
}

export function openAIFinish(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** Builds the chat.completions body: max_tokens vs max_completion_tokens, reasoning models' temperature. */
export function openAIBody(provider: ProviderId, req: AdapterRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: toOpenAIMessages(historyFor(req.messages, (req.tools?.length ?? 0) > 0)),
    [openAIMaxTokensField(provider, req.model)]: req.maxTokens,
  };
  // o-series and gpt-5 accept only their default temperature and answer 400 to any other.
  if (req.temperature !== undefined && !((provider === 'openai' || provider === 'azure') && isOpenAIReasoningModel(req.model))) {
    body.temperature = req.temperature;
  }
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters },
    }));
  }
  if (req.stream) {
    body.stream = true;
    // Without this, OpenAI-style streams carry no usage at all.
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** OpenAI chat completions through the official `openai` SDK (also Azure and every OpenAI-compatible provider). */
export class OpenAIAdapter implements ProviderAdapter {
  readonly wire = 'openai' as const;

  constructor(
    private readonly client: OpenAI,
    private readonly provider: ProviderId,
    private readonly classify: Classify,
  ) {}

  async *stream(req: AdapterRequest, signal: AbortSignal): AsyncGenerator<AdapterEvent> {
    try {
      const body = openAIBody(this.provider, req);
      // The SDK's types do not know compatible servers' extras; the body is ours and checked above.
      const create = this.client.chat.completions.create.bind(this.client.chat.completions) as unknown as (
        body: Record<string, unknown>,
        options: { signal: AbortSignal; maxRetries: number },
      ) => Promise<unknown>;
      if (!req.stream) {
        const res = (await create(body, { signal, maxRetries: 0 })) as CompletionLike;
        yield { type: 'open' };
        yield* this.fromCompletion(res);
        return;
      }
      const stream = (await create(body, { signal, maxRetries: 0 })) as AsyncIterable<ChunkLike>;
      yield { type: 'open' };
      let finish: string | null = null;
      let model: string | null = null;
      let tools: ToolAcc[] | null = null;
      for await (const chunk of stream) {
        let said = false;
        if (chunk.model) model = chunk.model;
        // Some compatible servers send choices: null, or usage on the last content chunk.
        const choices = chunk.choices;
        if (choices) {
          for (const choice of choices) {
            if ((choice.index ?? 0) !== 0) continue;
            const delta = choice.delta;
            if (delta) {
              if (typeof delta.content === 'string' && delta.content.length > 0) {
                said = true;
                yield { type: 'text', text: delta.content };
              }
              if (delta.tool_calls) tools = accumulateTools(tools ?? [], delta.tool_calls);
            }
            if (choice.finish_reason) finish = choice.finish_reason;
          }
        }
        if (chunk.usage) yield usageEvent(chunk.usage);
        else if (!said) yield HEARTBEAT;
      }
      // The SDK ends the iteration quietly when the request is aborted.
      if (signal.aborted) {
        yield { type: 'error', failure: cancelledFailure() };
        return;
      }
      if (finish === null) {
        yield { type: 'error', failure: streamCutFailure(this.provider) };
        return;
      }
      if (tools) for (const t of tools) if (t) yield { type: 'tool_call', id: t.id, name: t.name, arguments: t.args };
      yield { type: 'done', finishReason: openAIFinish(finish), model };
    } catch (err) {
      yield { type: 'error', failure: adapterFailure(err, signal, this.provider, this.classify) };
    }
  }

  private *fromCompletion(res: CompletionLike): Generator<AdapterEvent> {
    const choice = res.choices?.[0];
    const message = choice?.message;
    if (message?.content) yield { type: 'text', text: message.content };
    if (message?.tool_calls) {
      for (const [i, t] of message.tool_calls.entries()) {
        yield { type: 'tool_call', id: t.id ?? `call_${i}`, name: t.function?.name ?? '', arguments: t.function?.arguments ?? '' };
      }
    }
    if (res.usage) yield usageEvent(res.usage);
    yield { type: 'done', finishReason: openAIFinish(choice?.finish_reason), model: res.model ?? null };
  }
}

/** Usage, with the cost the provider says it charged when it says (OpenRouter's usage.cost, in USD). */
function usageEvent(u: OpenAIUsageLike): AdapterEvent {
  const usage = normaliseOpenAIUsage(u);
  const cost = reportedCostUsd(u);
  return cost === null ? { type: 'usage', usage } : { type: 'usage', usage, costUsd: cost };
}

function accumulateTools(
  acc: ToolAcc[],
  deltas: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>,
): ToolAcc[] {
  for (const d of deltas) {
    const i = d.index ?? acc.length;
    let t = acc[i];
    if (!t) {
      t = { id: d.id ?? `call_${i}`, name: '', args: '' };
      acc[i] = t;
    }
    if (d.id) t.id = d.id;
    if (d.function?.name) t.name += d.function.name;
    if (d.function?.arguments) t.args += d.function.arguments;
  }
  return acc;
}
