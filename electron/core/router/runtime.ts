import { AppError, FIRST_TOKEN_TIMEOUT_DEFAULTS, type Attempt, type EventName, type EventPayload, type ProviderId, type Settings } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import type { CallAdmission, KeyResolver, ModelLookup } from '../ports.js';
import type { AdapterFactory } from '../providers/adapters/index.js';
import type { HealthTracker } from './health.js';
import type { RetryPolicyOptions } from './retry-policy.js';
import type { SessionRegistry } from './sessions.js';
import type { SystemDefaultSource } from './system-default.js';
import type { TurnState } from './turn.js';

/**
 * Stall limits besides the first-token limit, which is a setting (firstTokenLimitMs): a streamed
 * request must send its first token within that, whatever else it sends (pings, keep-alives).
 */
export interface RouterTimeouts {
  /** Streamed request: no chunk for this long once the answer is flowing → TIMEOUT. */
  idleMs: number;
  /** Non-streamed request: the whole answer within this. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: RouterTimeouts = { idleMs: 60_000, requestMs: 300_000 };

/** What the router reads from the settings; the first-token limits default when a host does not set them. */
export type RouterSettings = Pick<Settings, 'keyFailover' | 'fallbackToSystemDefault'> & Partial<Pick<Settings, 'firstTokenTimeoutSec' | 'localFirstTokenTimeoutSec'>>;

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface RouterDeps {
  keys: KeyResolver;
  admission: CallAdmission;
  models: ModelLookup;
  settings: () => RouterSettings;
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

/**
 * How long a streamed request may take to its first token: the user's setting for cloud providers,
 * a longer one for local and OpenAI-compatible servers (they may load the model first).
 */
export function firstTokenLimitMs(rt: RouterRuntime, provider: ProviderId): number {
  const s = rt.deps.settings();
  const seconds = provider === 'openai-compatible' ? (s.localFirstTokenTimeoutSec ?? FIRST_TOKEN_TIMEOUT_DEFAULTS.local) : (s.firstTokenTimeoutSec ?? FIRST_TOKEN_TIMEOUT_DEFAULTS.cloud);
  return Math.round(seconds * 1000);
}

/** Adds an attempt to the turn's list and, for a streamed turn, tells the renderer at once. */
export function pushAttempt(rt: RouterRuntime, state: TurnState, stepless: Attempt): void {
  // Within a tool loop every attempt (answered, failed, refused or skipped) names its model call.
  const attempt = state.loop ? { ...stepless, step: state.loop.step } : stepless;
  state.attempts.push(attempt);
  if (state.stream) rt.deps.emit('chat.attempt', { streamId: state.turn.streamId, sessionId: state.req.sessionId, attempt });
}

/** A bug, logged with its cause; the caller sees a plain message without internals. */
export function internalError(rt: RouterRuntime, err: unknown): AppError {
  rt.deps.logger.error('chat turn failed unexpectedly', { err });
  return new AppError('INTERNAL', 'Something went wrong inside Switchboard. The details are in the log.');
}
