import type { Attempt, KeySource, PowerLevel, ProviderId, ToolCallStatus, Usage } from '../../../shared/contract/index.js';

/**
 * The model a conversation talks to, stored as a snapshot with its display labels so history still
 * reads right after a key or model is deleted.
 */
export type ConversationTarget =
  | { kind: 'system'; label?: string }
  /** Whatever the conversation's agent picks (its model, or its power level's model with the user's keys). */
  | { kind: 'agent'; label?: string }
  | {
      kind: 'key';
      keyId: string;
      provider: ProviderId;
      model: string;
      /** Display labels at the time of choosing. */
      providerName: string;
      keyLabel: string;
      modelName?: string;
    };

/** Why the core ended the conversation's session (its key was deleted); cleared when another model is picked. */
export interface ConversationEnded {
  reason: string;
  keyId?: string;
  at: number;
}

export interface ConversationParams {
  temperature?: number;
  maxTokens?: number;
}

export interface Conversation {
  id: string;
  title: string;
  /** Agent or purpose name; recorded in the usage ledger with every call. */
  agent: string;
  /** The saved agent the conversation started with (its instructions, model and tools apply to every turn). */
  agentId?: string;
  /** Snapshot of the agent's power level when it started, for display. */
  powerLevel?: PowerLevel;
  target: ConversationTarget;
  /** Tried in order when the target fails before answering. */
  fallbacks?: ConversationTarget[];
  params: ConversationParams;
  ended?: ConversationEnded;
  createdAt: number;
  updatedAt: number;
}

export type MessageRole = 'user' | 'assistant' | 'system';
export type MessageStatus = 'streaming' | 'done' | 'error' | 'cancelled';

export interface MessageError {
  code: string;
  message: string;
  hint?: string;
  /** The request field at fault (VALIDATION), e.g. "params.maxTokens". */
  field?: string;
  /** LIMIT_EXCEEDED: when the limit resets (ms since the epoch; null: never) and in which time zone. */
  resetsAt?: number | null;
  timeZone?: string;
}

/**
 * Structured content of an answer, in order: the model's words, the tool calls it made and their
 * results. `content` stays the plain text (the words joined) for copying and older readers.
 */
export type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; id: string; toolId: string; name: string; arguments: string; step: number }
  | { type: 'tool_result'; callId: string; status: ToolCallStatus; content: string; durationMs: number };

export interface Message {
  id: string;
  conversationId: string;
  role: MessageRole;
  content: string;
  /** Since schema version 2; older messages get one text part by the upgrade. */
  parts?: MessagePart[];
  createdAt: number;
  status: MessageStatus;
  /** Assistant messages: a snapshot of who answered and what it cost. */
  provider?: ProviderId;
  model?: string;
  keyId?: string;
  keyLabel?: string;
  source?: KeySource;
  usage?: Usage;
  costUsd?: number | null;
  attempts?: Attempt[];
  fallbackNote?: string;
  error?: MessageError;
  /** The chat.send streamId while streaming, to match events and cancel. */
  streamId?: string;
  latencyMs?: number;
  ttftMs?: number | null;
}

export interface Draft {
  conversationId: string;
  text: string;
  updatedAt: number;
}
