import { AttemptStatus, PROVIDER_IDS, type Attempt, type ChatSendResponse, type ProviderId, type Usage, type UsageRecord } from '../../../../shared/contract/index.js';
import { describeError, isBridgeError } from '../../bridge/errors.js';
import type { MessageError } from '../../db/schema.js';
import type { MessagePatch } from '../conversations/store.js';

/** A turn this page is running, as the chat view shows it while the answer streams. */
export interface LiveTurn {
  conversationId: string;
  messageId: string;
  streamId: string;
  /** Text streamed so far; the final text once settled. */
  text: string;
  /** Provider requests made so far (retries, other keys, fallbacks). */
  attempts: Attempt[];
  /** waiting: nothing streamed yet; stopping: Stop was pressed; done: settled (kept until the stored message shows the result). */
  phase: 'waiting' | 'streaming' | 'stopping' | 'done';
  startedAt: number;
}

export type TurnEvent =
  | { type: 'delta'; text: string }
  | { type: 'attempt'; attempt: Attempt }
  | { type: 'stopping' }
  | { type: 'settled'; text: string };

export function startTurn(conversationId: string, messageId: string, streamId: string, now: number): LiveTurn {
  return { conversationId, messageId, streamId, text: '', attempts: [], phase: 'waiting', startedAt: now };
}

/** Applies one stream event. Nothing changes a settled turn: late deltas after the answer are ignored. */
export function reduceTurn(turn: LiveTurn, event: TurnEvent): LiveTurn {
  if (turn.phase === 'done') return turn;
  switch (event.type) {
    case 'delta':
      if (event.text === '') return turn;
      return { ...turn, text: turn.text + event.text, phase: turn.phase === 'stopping' ? 'stopping' : 'streaming' };
    case 'attempt':
      return { ...turn, attempts: [...turn.attempts, event.attempt] };
    case 'stopping':
      return { ...turn, phase: 'stopping' };
    case 'settled':
      return { ...turn, text: event.text, phase: 'done' };
  }
}

export function isRunning(turn: LiveTurn | undefined): boolean {
  return turn !== undefined && turn.phase !== 'done';
}

/** What the chat.send answer (authoritative) writes into the assistant message. */
export function patchFromResult(result: ChatSendResponse, keyLabel: string | undefined): MessagePatch {
  return {
    content: result.text,
    status: 'done',
    provider: result.provider,
    model: result.model,
    keyId: result.keyId,
    keyLabel,
    source: result.source,
    usage: result.usage,
    costUsd: result.costUsd,
    attempts: result.attempts,
    fallbackNote: result.fallbackNote,
    latencyMs: result.latencyMs,
    ttftMs: result.ttftMs,
    error: undefined,
    streamId: undefined,
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isAttempt(v: unknown): v is Attempt {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return typeof a.provider === 'string' && typeof a.model === 'string' && AttemptStatus.safeParse(a.status).success;
}

/** The attempts a failed call reported in its error details. */
export function attemptsFromDetails(details: Record<string, unknown> | undefined): Attempt[] | undefined {
  const raw = details?.attempts;
  return Array.isArray(raw) ? raw.filter(isAttempt) : undefined;
}

/**
 * Who produced the failure, when the error names it: provider, model and key go together, so a
 * fallback's failure never shows under the first choice's key label (the label is looked up again
 * for the key named here). Empty when the error names no provider: the expected snapshot stays.
 */
export function failedAttemptSnapshot(details: Record<string, unknown> | undefined): MessagePatch {
  const provider = str(details?.provider);
  if (!provider || !(PROVIDER_IDS as readonly string[]).includes(provider)) return {};
  return { provider: provider as ProviderId, model: str(details?.model), keyId: str(details?.keyId), keyLabel: undefined };
}

/** What a failed or stopped chat.send writes into the assistant message. The text received stays. */
export function patchFromError(error: unknown, streamed: string): MessagePatch {
  const details = isBridgeError(error) ? error.details : undefined;
  const partial = str(details?.partialText) ?? streamed;
  const attempts = attemptsFromDetails(details);
  const base: MessagePatch = { content: partial, streamId: undefined, ...(attempts ? { attempts } : {}), ...failedAttemptSnapshot(details) };
  if (isBridgeError(error) && error.code === 'CANCELLED') return { ...base, status: 'cancelled', error: undefined };
  return { ...base, status: 'error', error: messageError(error) };
}

/** The error as stored with the message: the sentence, the hint, and for limits when they reset. Never a stack. */
export function messageError(error: unknown): MessageError {
  const view = describeError(error);
  const details = isBridgeError(error) ? error.details : undefined;
  const out: MessageError = { code: view.code, message: view.message };
  if (view.hint) out.hint = view.hint;
  const field = str(details?.field);
  if (field) out.field = field;
  if (view.code === 'LIMIT_EXCEEDED') {
    const resets = details?.resetsAt;
    if (typeof resets === 'number' || resets === null) out.resetsAt = resets;
    const tz = str(details?.timeZone);
    if (tz) out.timeZone = tz;
  }
  return out;
}

/** True when the failure means the conversation's model cannot be used as it is: pick another. */
export function needsAnotherModel(code: string | undefined): boolean {
  return code === 'SESSION_ENDED' || code === 'KEY_NOT_FOUND' || code === 'SYSTEM_DEFAULT_UNAVAILABLE' || code === 'KEY_NEEDS_REENTRY';
}

/**
 * What a turn that did not answer still used (a stopped or cut-off answer is metered too): the sum of
 * its ledger records. Null when nothing was used. The cost is unknown when any part's price is.
 */
export function sumUsage(records: readonly Pick<UsageRecord, 'usage' | 'costUsd'>[]): { usage: Usage; costUsd: number | null } | null {
  if (records.length === 0) return null;
  const usage: Usage = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: false };
  let cost: number | null = 0;
  for (const r of records) {
    usage.inputTokens += r.usage.inputTokens;
    usage.cacheReadTokens += r.usage.cacheReadTokens;
    usage.cacheWriteTokens += r.usage.cacheWriteTokens;
    usage.outputTokens += r.usage.outputTokens;
    usage.reasoningTokens += r.usage.reasoningTokens;
    usage.estimated ||= r.usage.estimated;
    cost = cost === null || r.costUsd === null ? null : cost + r.costUsd;
  }
  const used = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens > 0;
  return used ? { usage, costUsd: cost } : null;
}
