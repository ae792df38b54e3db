import type { ChatMessage } from '../../../../shared/contract/index.js';
import type { Message } from '../../db/schema.js';
import { hasTools, historyOfAnswer } from './parts.js';

/** The contract's ceiling on messages per call. */
export const MAX_HISTORY_MESSAGES = 10_000;

/**
 * What the model is sent: the conversation as shown, up to (not including) `beforeId` when given.
 * An answer being written is left out, and so is every message without text (a failed or stopped
 * turn that produced nothing); a stopped or interrupted answer's partial text stays, because the
 * user saw it and may refer to it.
 */
export function buildHistory(messages: readonly Message[], beforeId?: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (beforeId !== undefined && m.id === beforeId) break;
    if (m.status === 'streaming') continue;
    // An answer that used tools carries its calls and results, so the model knows what it already did.
    if (m.role === 'assistant' && hasTools(m.parts)) {
      out.push(...historyOfAnswer(m));
      continue;
    }
    if (m.content.trim() === '') continue;
    out.push({ role: m.role, content: m.content });
  }
  return out.length > MAX_HISTORY_MESSAGES ? out.slice(out.length - MAX_HISTORY_MESSAGES) : out;
}

/** The last assistant message, when it ends the conversation (the one "Regenerate" replaces). */
export function lastAnswer(messages: readonly Message[]): Message | null {
  const last = messages[messages.length - 1];
  return last && last.role === 'assistant' ? last : null;
}

/** Messages that claim to be streaming while no turn of this page writes them: the page was closed mid-answer. */
export function orphanedStreams(messages: readonly Message[], liveMessageId: string | null): Message[] {
  return messages.filter((m) => m.status === 'streaming' && m.id !== liveMessageId);
}
