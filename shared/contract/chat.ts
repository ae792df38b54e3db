import { z } from 'zod';
import { ChatMessage, ChatParams, ChatTarget, Id, ProviderId, Usage } from './common.js';

export const AttemptStatus = z.enum(['ok', 'error', 'cancelled', 'skipped']);
export const Attempt = z.object({
  provider: ProviderId,
  model: z.string(),
  keyId: z.string().optional(),
  status: AttemptStatus,
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  /** Which chain entry this was: 0 the primary target, 1.. the fallbacks. */
  chainIndex: z.number().int().nonnegative(),
  /** Retries of the same entry count up from 1. */
  attempt: z.number().int().positive(),
  latencyMs: z.number().nonnegative().optional(),
  /** A key skipped while cooling down: when it is tried again (ms since the epoch). */
  pausedUntil: z.number().optional(),
});
export type Attempt = z.infer<typeof Attempt>;

export const ChatSendRequest = z
  .object({
    sessionId: Id,
    target: ChatTarget,
    messages: z.array(ChatMessage).min(1).max(10_000),
    params: ChatParams.optional(),
    fallbacks: z.array(ChatTarget).max(10).optional(),
    /** true: deltas are emitted as chat.delta events tagged with streamId while the call runs. */
    stream: z.boolean().optional(),
    /** Chosen by the caller so it can match events before the answer arrives. */
    streamId: Id.optional(),
    /** Agent or purpose name, recorded in the ledger. */
    agent: z.string().max(200).optional(),
  })
  .strict();
export type ChatSendRequest = z.infer<typeof ChatSendRequest>;

export const ChatSendResponse = z.object({
  text: z.string(),
  usage: Usage,
  costUsd: z.number().nonnegative().nullable(),
  provider: ProviderId,
  model: z.string(),
  keyId: z.string().optional(),
  source: z.enum(['user', 'environment', 'team']),
  attempts: z.array(Attempt),
  streamId: z.string().optional(),
  finishReason: z.string().optional(),
  /** Set when something other than the primary target answered. */
  fallbackNote: z.string().optional(),
  /** The model id the provider reported when it differs from `model` (a dated snapshot, OpenRouter's pick). */
  servedModel: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  ttftMs: z.number().nonnegative().nullable(),
});
export type ChatSendResponse = z.infer<typeof ChatSendResponse>;

export const ChatCancelRequest = z
  .object({ streamId: Id.optional(), sessionId: Id.optional() })
  .strict()
  .refine((v) => v.streamId !== undefined || v.sessionId !== undefined, {
    message: 'give streamId or sessionId',
    path: ['streamId'],
  });
export const ChatCancelResponse = z.object({ cancelled: z.number().int().nonnegative() });

export const ChatEstimateRequest = z
  .object({ target: ChatTarget, messages: z.array(ChatMessage).min(1).max(10_000), params: ChatParams.optional() })
  .strict();
export const ChatEstimateResponse = z.object({
  provider: ProviderId.nullable(),
  model: z.string().nullable(),
  promptTokens: z.number().int().nonnegative(),
  maxOutputTokens: z.number().int().nonnegative(),
  /** Cost if the answer is empty (prompt only) and if it uses every allowed output token. */
  minCostUsd: z.number().nonnegative().nullable(),
  maxCostUsd: z.number().nonnegative().nullable(),
  tokenizer: z.string(),
});

/** What "System default" resolves to right now, or why it cannot be used and how to fix that (model picker). */
export const ChatSystemDefaultRequest = z.object({}).strict();
export const ChatSystemDefaultResponse = z.object({
  available: z.boolean(),
  provider: ProviderId.optional(),
  model: z.string().optional(),
  /** Where its key comes from: the machine's environment or the team server. */
  source: z.enum(['environment', 'team']).optional(),
  /** The key's label, e.g. "OpenAI (environment)". */
  keyLabel: z.string().optional(),
  /** Why it is unavailable. */
  reason: z.string().optional(),
  /** What to do about it. */
  fix: z.string().optional(),
});
export type ChatSystemDefaultResponse = z.infer<typeof ChatSystemDefaultResponse>;

export const SessionInfo = z.object({
  sessionId: z.string(),
  target: ChatTarget,
  provider: ProviderId.nullable(),
  model: z.string().nullable(),
  keyId: z.string().optional(),
  fallbacks: z.array(ChatTarget),
  agent: z.string().optional(),
  openedAt: z.number(),
  endedAt: z.number().optional(),
  endedReason: z.string().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SessionsOpenRequest = z
  .object({ sessionId: Id, target: ChatTarget, fallbacks: z.array(ChatTarget).max(10).optional(), agent: z.string().max(200).optional() })
  .strict();
export const SessionsOpenResponse = z.object({ session: SessionInfo });
export const SessionsCloseRequest = z.object({ sessionId: Id }).strict();
export const SessionsCloseResponse = z.object({ closed: z.boolean() });
export const SessionsListRequest = z.object({}).strict();
export const SessionsListResponse = z.object({ sessions: z.array(SessionInfo) });
