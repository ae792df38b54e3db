import { z } from 'zod';
import { Attempt, ChatSendResponse } from './chat.js';
import { ProviderId } from './common.js';
import { LimitState } from './limits.js';
import { UsageRecord } from './usage.js';

const ErrorShape = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/** Events flow from the core to the renderer only. */
export const events = {
  'chat.delta': z.object({ streamId: z.string(), sessionId: z.string(), text: z.string() }),
  'chat.attempt': z.object({ streamId: z.string(), sessionId: z.string(), attempt: Attempt }),
  'chat.done': z.object({ streamId: z.string(), sessionId: z.string(), result: ChatSendResponse }),
  'chat.error': z.object({ streamId: z.string(), sessionId: z.string(), error: ErrorShape, partialText: z.string() }),
  'session.ended': z.object({ sessionId: z.string(), reason: z.string(), keyId: z.string().optional() }),
  'keys.changed': z.object({ provider: ProviderId.optional(), keyId: z.string().optional() }),
  'vault.changed': z.object({}),
  'usage.recorded': z.object({ record: UsageRecord }),
  'limits.warning': z.object({ state: LimitState }),
  'limits.exceeded': z.object({ state: LimitState }),
  /** The team connection, its budgets, models or sync state changed (Settings → Team, the model picker). */
  'team.changed': z.object({}),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export type AnyEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export const EVENT_NAMES = Object.keys(events) as EventName[];
