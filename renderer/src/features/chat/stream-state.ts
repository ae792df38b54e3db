import {
  AttemptStatus,
  PROVIDER_IDS,
  type AnswerPart,
  type Attempt,
  type ChatSendResponse,
  type ChatTarget,
  type EventPayload,
  type ProviderId,
  type ToolCallInfo,
  type Usage,
  type UsageRecord,
} from '../../../../shared/contract/index.js';
import { describeError, isBridgeError } from '../../bridge/errors.js';
import type { MessageError, MessagePart } from '../../db/schema.js';
import type { MessagePatch } from '../conversations/store.js';
import { appendText, applyToolCall, partsFrom, partsOfResult } from './parts.js';

/** The provider request the turn waits on for its first token (chat.waiting). */
export interface Waiting {
  provider: ProviderId;
  model: string;
  /** When this page heard the request was sent (Date.now()). */
  since: number;
  /** Switchboard moves on after this long without a first token; null: no such limit. */
  firstTokenTimeoutMs: number | null;
  /** What a skip would try next; null: nothing comes after this model. */
  skipTo: ChatTarget | null;
  /** How many attempts had finished when it was sent: a later one means this request ended (retry wait). */
  attemptsBefore: number;
}

/** A turn this page is running, as the chat view shows it while the answer streams. */
export interface LiveTurn {
  conversationId: string;
  messageId: string;
  streamId: string;
  /** Text streamed so far; the final text once settled. */
  text: string;
  /** The same text with the tool calls between its words, as the conversation shows it. */
  parts: MessagePart[];
  /** Provider requests made so far (retries, other keys, fallbacks). */
  attempts: Attempt[];
  /** waiting: nothing streamed yet; stopping: Stop was pressed; done: settled (kept until the stored message shows the result). */
  phase: 'waiting' | 'streaming' | 'stopping' | 'done';
  startedAt: number;
  /** The latest request sent, until text flows. */
  waiting: Waiting | null;
  /** The user asked to skip `waiting`; cleared when the next request is sent or the core refuses. */
  skipping: boolean;
}

export type TurnEvent =
  | { type: 'delta'; text: string }
  | { type: 'attempt'; attempt: Attempt }
  | { type: 'tool'; call: ToolCallInfo }
  | { type: 'waiting'; event: EventPayload<'chat.waiting'>; at: number }
  | { type: 'skipping'; on: boolean }
  | { type: 'stopping' }
  | { type: 'settled'; text: string; parts?: MessagePart[] };

export function startTurn(conversationId: string, messageId: string, streamId: string, now: number): LiveTurn {
  return { conversationId, messageId, streamId, text: '', parts: [], attempts: [], phase: 'waiting', startedAt: now, waiting: null, skipping: false };
}

/** Applies one stream event. Nothing changes a settled turn: late deltas after the answer are ignored. */
export function reduceTurn(turn: LiveTurn, event: TurnEvent): LiveTurn {
  if (turn.phase === 'done') return turn;
  switch (event.type) {
    case 'delta':
      if (event.text === '') return turn;
      return { ...turn, text: turn.text + event.text, parts: appendText(turn.parts, event.text), phase: turn.phase === 'stopping' ? 'stopping' : 'streaming' };
    case 'tool':
      return { ...turn, parts: applyToolCall(turn.parts, event.call), phase: turn.phase === 'waiting' ? 'streaming' : turn.phase };
    case 'attempt':
      return { ...turn, attempts: [...turn.attempts, event.attempt] };
    case 'waiting': {
      const e = event.event;
      const waiting: Waiting = { provider: e.provider, model: e.model, since: event.at, firstTokenTimeoutMs: e.firstTokenTimeoutMs, skipTo: e.skipTo, attemptsBefore: turn.attempts.length };
      return { ...turn, waiting, skipping: false };
    }
    case 'skipping':
      return { ...turn, skipping: event.on };
    case 'stopping':
      return { ...turn, phase: 'stopping' };
    case 'settled':
      return { ...turn, text: event.text, ...(event.parts ? { parts: event.parts } : {}), phase: 'done' };
  }
}

export function isRunning(turn: LiveTurn | undefined): boolean {
  return turn !== undefined && turn.phase !== 'done';
}

/** The user may skip to the next model: nothing written yet, a next model exists, no skip pending. */
export function canSkip(turn: LiveTurn | undefined): boolean {
  return turn !== undefined && turn.phase === 'waiting' && turn.text === '' && turn.waiting?.skipTo != null && !turn.skipping;
}

/** What the chat.send answer (authoritative) writes into the assistant message. */
export function patchFromResult(result: ChatSendResponse, keyLabel: string | undefined): MessagePatch {
  return {
    content: result.text,
    parts: partsOfResult(result),
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

/** What a failed or stopped chat.send writes into the assistant message. The text received stays. */
export function patchFromError(error: unknown, streamed: string, streamedParts: MessagePart[] = []): MessagePatch {
  const details = isBridgeError(error) ? error.details : undefined;
  const partial = str(details?.partialText) ?? streamed;
  const attempts = attemptsFromDetails(details);
  const provider = str(details?.provider);
  // A tool loop that stopped keeps its calls: from the error when the core sent them, else as streamed.
  const order = Array.isArray(details?.parts) ? (details.parts as AnswerPart[]) : undefined;
  const calls = Array.isArray(details?.toolCalls) ? (details.toolCalls as ToolCallInfo[]) : undefined;
  const parts = order ? partsFrom(order, calls, partial) : streamedParts.some((p) => p.type !== 'text') ? streamedParts : partial === '' ? [] : [{ type: 'text' as const, text: partial }];
  const base: MessagePatch = {
    content: partial,
    parts,
    streamId: undefined,
    ...(attempts ? { attempts } : {}),
    ...(provider && (PROVIDER_IDS as readonly string[]).includes(provider) ? { provider: provider as ProviderId } : {}),
    ...(str(details?.model) ? { model: str(details?.model) } : {}),
    ...(str(details?.keyId) ? { keyId: str(details?.keyId) } : {}),
  };
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
