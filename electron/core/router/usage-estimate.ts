import { ZERO_USAGE, type ProviderId, type Usage } from '../../../shared/contract/index.js';
import { estimateOutputTokens } from '../providers/adapters/usage.js';
import type { RouterRuntime } from './runtime.js';
import type { TurnState } from './turn.js';

/** The turn's prompt tokens for a provider/model, counted once per turn (retries and fallbacks reuse it). */
export async function promptTokensFor(rt: RouterRuntime, state: TurnState, provider: ProviderId, model: string): Promise<number> {
  const k = `${provider}\u0000${model}`;
  let n = state.promptCache.get(k);
  if (n === undefined) {
    n = (await rt.deps.admission.estimatePromptTokens(state.req.messages, provider, model)).tokens;
    state.promptCache.set(k, n);
  }
  return n;
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
