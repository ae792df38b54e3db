import { ZERO_USAGE, type ChatMessage, type ProviderId, type Usage } from '../../../shared/contract/index.js';
import type { ToolSpec } from '../providers/adapters/types.js';
import { estimateOutputTokens } from '../providers/adapters/usage.js';
import type { RouterRuntime } from './runtime.js';
import type { PromptCount, TurnState } from './turn.js';

/**
 * The turn's prompt count for a provider/model, made once per turn (retries and fallbacks reuse it,
 * and the provider's exact count once asked; a tool loop clears the cache at each step). A loop
 * step counts its tool calls, results and tool definitions too: they are billed as prompt.
 */
export async function promptCountFor(rt: RouterRuntime, state: TurnState, provider: ProviderId, model: string): Promise<PromptCount> {
  const k = `${provider}\u0000${model}`;
  let n = state.promptCache.get(k);
  if (n === undefined) {
    const messages = state.loop ? countableMessages(state.loop.messages, state.loop.tools) : state.req.messages;
    const est = await rt.deps.admission.estimatePromptTokens(messages, provider, model);
    n = { tokens: est.tokens, upperBound: Math.max(est.tokens, est.upperBound ?? est.tokens), exact: null };
    state.promptCache.set(k, n);
  }
  return n;
}

/** Messages as plain text for counting: tool calls and definitions written out as the JSON the provider is sent. */
export function countableMessages(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): ChatMessage[] {
  const out: ChatMessage[] = messages.map((m) => {
    if (m.role === 'tool') return { role: 'user', content: `${m.name ?? ''} ${m.toolCallId ?? ''} ${m.content}` };
    if (m.toolCalls && m.toolCalls.length > 0) return { role: m.role, content: `${m.content}${JSON.stringify(m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })))}` };
    return m;
  });
  if (tools.length > 0) out.push({ role: 'system', content: JSON.stringify(tools) });
  return out;
}

/**
 * Usage counted with the model's tokenizer where it can be, keeping what the provider reported;
 * usage.ts's estimatedUsage guesses output from characters alone, too rough for the ledger.
 */
export async function tokenizedUsage(rt: RouterRuntime, promptTokens: number, text: string, provider: ProviderId, model: string, reported: Usage | null): Promise<Usage> {
  const out = await outputTokens(rt, text, provider, model);
  if (reported) return { ...reported, outputTokens: Math.max(reported.outputTokens, out), estimated: true };
  return { ...ZERO_USAGE, inputTokens: promptTokens, outputTokens: out, estimated: true };
}

async function outputTokens(rt: RouterRuntime, text: string, provider: ProviderId, model: string): Promise<number> {
  if (text.length === 0) return 0;
  try {
    const [withText, empty] = await Promise.all([
      rt.deps.admission.estimatePromptTokens([{ role: 'assistant', content: text }], provider, model),
      rt.deps.admission.estimatePromptTokens([{ role: 'assistant', content: '' }], provider, model),
    ]);
    return Math.max(1, withText.tokens - empty.tokens);
  } catch {
    return estimateOutputTokens(text);
  }
}
