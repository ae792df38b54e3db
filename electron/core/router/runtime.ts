import { AppError, type Attempt, type EventName, type EventPayload, type Settings } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import type { CallAdmission, KeyResolver, ModelLookup } from '../ports.js';
import type { AdapterFactory } from '../providers/adapters/index.js';
import type { HealthTracker } from './health.js';
import type { RetryPolicyOptions } from './retry-policy.js';
import type { SessionRegistry } from './sessions.js';
import type { SystemDefaultSource } from './system-default.js';
import type { TurnState } from './turn.js';

export interface RouterTimeouts {
  /** Streamed request: no response (headers) within this → TIMEOUT. */
  firstByteMs: number;
  /** Streamed request: accepted, but no chunk for this long before the first token. Longer than
   * idleMs because reasoning models think in silence before they write. */
  firstTokenMs: number;
  /** Streamed request: no chunk for this long once the answer is flowing → TIMEOUT. */
  idleMs: number;
  /** Non-streamed request: the whole answer within this. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: RouterTimeouts = { firstByteMs: 60_000, firstTokenMs: 120_000, idleMs: 60_000, requestMs: 300_000 };

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface RouterDeps {
  keys: KeyResolver;
  admission: CallAdmission;
  models: ModelLookup;
  settings: () => Pick<Settings, 'keyFailover' | 'fallbackToSystemDefault'>;
  emit: Emit;
  logger: Logger;
  adapters: AdapterFactory;
  sessions?: SessionRegistry;
  health?: HealthTracker;
  systemDefault?: SystemDefaultSource;
  retry?: Partial<RetryPolicyOptions>;
  timeouts?: Partial<RouterTimeouts>;
  /** Injectable so tests assert waits without waiting. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Monotonic milliseconds for latencies. */
  clock?: () => number;
}

/**
 * What the parts of a turn (chain, entry, attempt, answer) share: the router's dependencies with
 * every default filled in. Built once per router.
 */
export interface RouterRuntime {
  readonly deps: RouterDeps;
  readonly sessions: SessionRegistry;
  readonly health: HealthTracker;
  readonly systemDefault: SystemDefaultSource;
  readonly retry: RetryPolicyOptions;
  readonly timeouts: RouterTimeouts;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly clock: () => number;
}

/** Adds an attempt to the turn's list and, for a streamed turn, tells the renderer at once. */
export function pushAttempt(rt: RouterRuntime, state: TurnState, attempt: Attempt): void {
  state.attempts.push(attempt);
  if (state.stream) rt.deps.emit('chat.attempt', { streamId: state.turn.streamId, sessionId: state.req.sessionId, attempt });
}

/** A bug, logged with its cause; the caller sees a plain message without internals. */
export function internalError(rt: RouterRuntime, err: unknown): AppError {
  rt.deps.logger.error('chat turn failed unexpectedly', { err });
  return new AppError('INTERNAL', 'Something went wrong inside Switchboard. The details are in the log.');
}
