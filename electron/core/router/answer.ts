import type { ChatSendResponse } from '../../../shared/contract/index.js';
import { nanoToUsd } from '../../../shared/pricing/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { ResolvedKey } from '../ports.js';
import type { RouterRuntime } from './runtime.js';
import type { AttemptOutcome, Entry, ResolvedEntry, TurnState } from './turn.js';

/** chat.send's answer: the text, the settled record's usage and cost, who answered and why. */
export function answerOf(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, outcome: AttemptOutcome): ChatSendResponse {
  const { req } = state;
  const note = fallbackNote(state, entry, resolved, key);
  const cost = outcome.record ? outcome.record.costUsd : fallbackCost(outcome);
  return {
    text: outcome.text,
    usage: outcome.record?.usage ?? outcome.usage,
    costUsd: cost,
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    source: key.source,
    attempts: state.attempts,
    ...(state.stream || req.streamId ? { streamId: state.turn.streamId } : {}),
    ...(outcome.finishReason ? { finishReason: outcome.finishReason } : {}),
    ...(outcome.servedModel && outcome.servedModel !== resolved.model ? { servedModel: outcome.servedModel } : {}),
    ...(note ? { fallbackNote: note } : {}),
    latencyMs: Math.round(rt.clock() - state.startedAt),
    ttftMs: state.firstTokenAt === null ? null : Math.round(state.firstTokenAt - state.startedAt),
  };
}

/** The cost when the ledger could not settle the call: what the ledger would have recorded. */
function fallbackCost(outcome: AttemptOutcome): number | null {
  const nano = outcome.prices.settle(outcome.usage, outcome.reportedCostUsd).nano;
  return nano === null ? null : nanoToUsd(nano);
}

/** "The daily token limit … reached." → "the daily token limit … reached", to follow "because". Names stay capitalised. */
function asClause(message: string): string {
  const m = message.replace(/\.$/, '');
  return /^(The|This|You|A|An) /.test(m) ? m[0]!.toLowerCase() + m.slice(1) : m;
}

/** Says why something other than the first choice answered, or null when the first choice did. */
function fallbackNote(state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey): string | null {
  const why = state.failures[0];
  const because = why ? ` because ${asClause(why.failure.message)}` : '';
  const served = `${providerSpec(resolved.provider).name} ${resolved.model}`;
  if (entry.systemFallback) return `Answered by the system default (${served})${because}.`;
  if (entry.chainIndex > 0) {
    const skipped = !why && state.attempts.some((a) => a.status === 'skipped');
    return `Answered by fallback ${entry.chainIndex} (${served})${because || (skipped ? ' because the first choice was unavailable' : '')}.`;
  }
  const primaryKeyId = 'keyId' in state.req.target ? state.req.target.keyId : null;
  const otherKey =
    (primaryKeyId !== null && key.id !== primaryKeyId) ||
    ('provider' in state.req.target && state.attempts.some((a) => a.keyId !== undefined && a.keyId !== key.id));
  if (otherKey) return `Answered with another ${providerSpec(resolved.provider).name} key ("${key.label}")${because}.`;
  return null;
}
