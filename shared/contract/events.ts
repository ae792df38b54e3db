import { z } from 'zod';
import { Attempt, ChatSendResponse } from './chat.js';
import { ChatTarget, ProviderId } from './common.js';
import { LimitState } from './limits.js';
import { ToolCallInfo } from './tools.js';
import { CallKind, UsageRecord } from './usage.js';

const ErrorShape = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/** Events flow from the core to the renderer only. */
export const events = {
  'chat.delta': z.object({ streamId: z.string(), sessionId: z.string(), text: z.string() }),
  'chat.attempt': z.object({ streamId: z.string(), sessionId: z.string(), attempt: Attempt }),
  /** A provider request of a streamed turn was sent; no text yet. */
  'chat.waiting': z.object({
    streamId: z.string(),
    sessionId: z.string(),
    provider: ProviderId,
    model: z.string(),
    keyId: z.string().optional(),
    chainIndex: z.number().int().nonnegative(),
    attempt: z.number().int().positive(),
    kind: CallKind,
    /** How long Switchboard waits for the first token before it moves on (null: no such limit). */
    firstTokenTimeoutMs: z.number().nonnegative().nullable(),
    /** What chat.skip would try next; null when nothing comes after this entry. */
    skipTo: ChatTarget.nullable(),
  }),
  'chat.done': z.object({ streamId: z.string(), sessionId: z.string(), result: ChatSendResponse }),
  'chat.error': z.object({ streamId: z.string(), sessionId: z.string(), error: ErrorShape, partialText: z.string() }),
  /** A tool call of a running turn started, needs the user's approval ("awaiting-approval"), or ended. */
  'chat.tool': z.object({ streamId: z.string(), sessionId: z.string(), call: ToolCallInfo }),
  /** An MCP server connected, failed or stopped, or its tools changed. */
  'mcp.changed': z.object({ serverId: z.string().optional(), message: z.string().optional() }),
  'agents.changed': z.object({}),
  'session.ended': z.object({ sessionId: z.string(), reason: z.string(), keyId: z.string().optional() }),
  'keys.changed': z.object({ provider: ProviderId.optional(), keyId: z.string().optional() }),
  'vault.changed': z.object({}),
  /** The damaged-file notices of app.info changed (one was found, or resolved). */
  'app.notices': z.object({}),
  'usage.recorded': z.object({ record: UsageRecord }),
  'limits.warning': z.object({ state: LimitState }),
  'limits.exceeded': z.object({ state: LimitState }),
  /** The catalog changed in the background (a provider's list, or an online price update): models.list answers differently. */
  'models.changed': z.object({}),
  /** The team connection, its budgets, models or sync state changed (Settings → Team, the model picker). */
  'team.changed': z.object({}),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export type AnyEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export const EVENT_NAMES = Object.keys(events) as EventName[];
