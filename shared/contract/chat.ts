import { z } from 'zod';
import { PowerLevel } from './agents.js';
import { ChatMessage, ChatParams, ChatTarget, Id, ProviderId, Usage } from './common.js';
import { ToolCallInfo } from './tools.js';
import { CallKind } from './usage.js';

/**
 * ok, error, cancelled: a provider request was made (cancelled: stopped by the user, who may have
 * skipped it, errorCode SKIPPED_BY_USER). skipped (a key cooling down, a deleted key) and refused
 * (a limit, errorCode LIMIT_EXCEEDED): no request was made.
 */
export const AttemptStatus = z.enum(['ok', 'error', 'cancelled', 'skipped', 'refused']);
export type AttemptStatus = z.infer<typeof AttemptStatus>;
export const Attempt = z.object({
  provider: ProviderId,
  model: z.string(),
  keyId: z.string().optional(),
  status: AttemptStatus,
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  /** Which chain entry this was: 0 the primary target, 1.. the fallbacks. */
  chainIndex: z.number().int().nonnegative(),
  /** Requests of the same entry count up from 1 (retries and other keys of its provider). */
  attempt: z.number().int().positive(),
  /** First call, retry, key failover or fallback (as the ledger records it). */
  kind: CallKind,
  latencyMs: z.number().nonnegative().optional(),
  /** Model call of a tool loop this attempt belongs to (1-based); absent for a turn without tools. */
  step: z.number().int().positive().optional(),
});
export type Attempt = z.infer<typeof Attempt>;

export const ChatSendRequest = z
  .object({
    sessionId: Id,
    /** The model; may be left out when `agentId` is given (the agent's model or power level then decides). */
    target: ChatTarget.optional(),
    messages: z.array(ChatMessage).min(1).max(10_000),
    params: ChatParams.optional(),
    fallbacks: z.array(ChatTarget).max(10).optional(),
    /** true: deltas are emitted as chat.delta events tagged with streamId while the call runs. */
    stream: z.boolean().optional(),
    /** Chosen by the caller so it can match events before the answer arrives. */
    streamId: Id.optional(),
    /** Agent or purpose name, recorded in the ledger. */
    agent: z.string().max(200).optional(),
    /** A saved agent: its instructions, model or power level, parameters and allowed tools apply; the request's own fields win. */
    agentId: Id.optional(),
    /** Overrides the agent's power level for this turn (when neither the request nor the agent names a model). */
    powerLevel: PowerLevel.optional(),
    /** "ask": every tool call waits for chat.approveTool (unless approved for the session); "session": the agent's tools run without asking. */
    toolApproval: z.enum(['ask', 'session']).optional(),
  })
  .strict()
  .refine((r) => r.target !== undefined || r.agentId !== undefined, { message: 'give a target, or an agentId whose model decides', path: ['target'] });
export type ChatSendRequest = z.infer<typeof ChatSendRequest>;

/** Where a turn's text and tool calls fall, in order, so a conversation can show the cards between the words. */
export const AnswerPart = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool'), callId: z.string() }),
]);
export type AnswerPart = z.infer<typeof AnswerPart>;

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
  /** Every tool call of the turn, in the order the model made them. */
  toolCalls: z.array(ToolCallInfo).optional(),
  /** Text and tool calls in order (absent when the turn used no tools: then `text` is all of it). */
  parts: z.array(AnswerPart).optional(),
  /** Model calls the turn made (more than one when it used tools). */
  steps: z.number().int().positive().optional(),
  agentId: z.string().optional(),
  /** The power level that chose the model, when one did. */
  powerLevel: PowerLevel.optional(),
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

/** Gives up waiting for the current model of a running turn and goes on with the next entry of its chain. */
export const ChatSkipRequest = z.object({ streamId: Id }).strict();
/** skipped false: the turn is not waiting for a first token any more, or nothing comes after this entry. */
export const ChatSkipResponse = z.object({ skipped: z.boolean() });

export const ChatEstimateRequest = z
  .object({
    target: ChatTarget.optional(),
    messages: z.array(ChatMessage).min(1).max(10_000),
    params: ChatParams.optional(),
    /** Estimates as chat.send with this agent would run: its instructions, parameters, and its model unless `target` names one. */
    agentId: Id.optional(),
    powerLevel: PowerLevel.optional(),
  })
  .strict()
  .refine((r) => r.target !== undefined || r.agentId !== undefined, { message: 'give a target, or an agentId whose model decides', path: ['target'] });
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
