import type { ChatMessage } from '../../../../shared/contract/index.js';
import type { Message } from '../../db/schema.js';
import { hasTools, historyOfAnswer } from './parts.js';

/** The contract's ceiling on messages per call. */
export const MAX_HISTORY_MESSAGES = 10_000;

/** A user message whose turn produced no text (failed, or stopped before anything arrived). */
export interface UnansweredTurn {
  /** The user chose to send it with later messages anyway. */
  included: boolean;
}

/** Whether an answer gave the model something later turns build on: text, or tool calls it made. */
function hasText(m: Message): boolean {
  return m.content.trim() !== '' || (m.role === 'assistant' && hasTools(m.parts));
}

/**
 * The user messages whose turn ended without any text: a failed call, or Stop before the first
 * token. They are not part of what later turns send, unless the user includes them again, because
 * sending them would pay for a question nobody answered and change what the model answers (Anthropic
 * even merges two user messages in a row into one). A turn still being written, or not answered at
 * all yet (the message being sent), is not one of them.
 */
export function unansweredTurns(messages: readonly Message[]): Map<string, UnansweredTurn> {
  const out = new Map<string, UnansweredTurn>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    let ended = false;
    let answered = false;
    let pending = false;
    for (let j = i + 1; j < messages.length && messages[j]!.role !== 'user'; j++) {
      const a = messages[j]!;
      if (a.role !== 'assistant') continue;
      if (a.status === 'streaming') pending = true;
      else ended = true;
      if (hasText(a)) answered = true;
    }
    if (ended && !answered && !pending) out.set(m.id, { included: m.includeInHistory === true });
  }
  return out;
}

/**
 * What the model is sent: the conversation as shown, up to (not including) `beforeId` when given.
 * Left out: an answer being written, every message without text, and the question of a turn that
 * produced nothing (unless the user included it again). A stopped or interrupted answer's partial
 * text stays, because the user saw it and may refer to it.
 */
export function buildHistory(messages: readonly Message[], beforeId?: string): ChatMessage[] {
  const cut = beforeId === undefined ? -1 : messages.findIndex((m) => m.id === beforeId);
  const shown = cut === -1 ? messages : messages.slice(0, cut);
  const unanswered = unansweredTurns(shown);
  const out: ChatMessage[] = [];
  for (const m of shown) {
    if (m.status === 'streaming') continue;
    // An answer that used tools carries its calls and results, so the model knows what it already did.
    if (m.role === 'assistant' && hasTools(m.parts)) {
      out.push(...historyOfAnswer(m));
      continue;
    }
    if (!hasText(m)) continue;
    const turn = unanswered.get(m.id);
    if (turn && !turn.included) continue;
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
