import { AppError, type Usage } from '../../../shared/contract/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { ResolvedKey } from '../ports.js';
import type { AdapterRequest, FinishReason, ProviderFailure } from '../providers/adapters/types.js';
import type { RouterRuntime } from './runtime.js';
import { stallFailure } from './turn-errors.js';
import type { TurnState } from './turn.js';

/** The abort reason of our own stall watchdog, told apart from a user's cancel. */
const STALL = Symbol('stall');

/** What one provider request streamed back, however it ended. */
export interface StreamResult {
  text: string;
  /** The provider's own figures, when it sent them. */
  usage: Usage | null;
  /** The provider accepted the request (it may bill for it). */
  opened: boolean;
  finishReason: FinishReason | null;
  servedModel: string | null;
  /** null when the answer finished. */
  failure: ProviderFailure | null;
  latencyMs: number;
  ttftMs: number | null;
}

/**
 * Aborts a request that goes quiet. One timer, re-armed per chunk with refresh() (no allocation);
 * its length changes twice per request: response → first token → flowing.
 */
class StallWatchdog {
  private timer: NodeJS.Timeout;
  private phaseMs: number;
  stalledAfterMs = 0;

  constructor(
    private readonly ctl: AbortController,
    initialMs: number,
  ) {
    this.phaseMs = initialMs;
    this.timer = setTimeout(this.fire(initialMs), initialMs);
  }

  rearm(ms: number): void {
    if (ms === this.phaseMs) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.phaseMs = ms;
    this.timer = setTimeout(this.fire(ms), ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  get fired(): boolean {
    return this.ctl.signal.aborted && this.ctl.signal.reason === STALL;
  }

  private fire(ms: number) {
    return () => {
      this.stalledAfterMs = ms;
      this.ctl.abort(STALL);
    };
  }
}

/**
 * Runs one adapter request under the turn's abort signal and a stall watchdog, forwarding text
 * deltas of a streamed turn as they come. Never throws.
 */
export async function streamAttempt(rt: RouterRuntime, state: TurnState, key: ResolvedKey, areq: AdapterRequest): Promise<StreamResult> {
  const { turn, req } = state;
  const ctl = new AbortController();
  const onTurnAbort = () => ctl.abort(turn.signal.reason);
  if (turn.signal.aborted) ctl.abort(turn.signal.reason);
  else turn.signal.addEventListener('abort', onTurnAbort, { once: true });
  const wireStream = areq.stream;
  const watchdog = new StallWatchdog(ctl, wireStream ? rt.timeouts.firstByteMs : rt.timeouts.requestMs);

  const started = rt.clock();
  let text = '';
  let usage: Usage | null = null;
  let opened = false;
  let firstTokenAt: number | null = null;
  let finishReason: FinishReason | null = null;
  let servedModel: string | null = null;
  let failure: ProviderFailure | null = null;
  try {
    const adapter = rt.deps.adapters(key);
    for await (const ev of adapter.stream(areq, ctl.signal)) {
      if (wireStream) watchdog.rearm(firstTokenAt === null && ev.type !== 'text' && ev.type !== 'tool_call' ? rt.timeouts.firstTokenMs : rt.timeouts.idleMs);
      switch (ev.type) {
        case 'open':
          opened = true;
          break;
        case 'text':
          if (firstTokenAt === null) {
            firstTokenAt = rt.clock();
            state.firstTokenAt ??= firstTokenAt;
          }
          text += ev.text;
          if (state.stream) rt.deps.emit('chat.delta', { streamId: turn.streamId, sessionId: req.sessionId, text: ev.text });
          break;
        case 'usage':
          usage = ev.usage;
          break;
        case 'done':
          finishReason = ev.finishReason;
          servedModel = ev.model;
          break;
        case 'error':
          failure = ev.failure;
          break;
        default:
          break;
      }
    }
  } catch (err) {
    failure = thrownFailure(rt, areq, err);
  } finally {
    watchdog.stop();
    turn.signal.removeEventListener('abort', onTurnAbort);
  }
  const latencyMs = Math.round(rt.clock() - started);
  const ttftMs = firstTokenAt === null ? null : Math.round(firstTokenAt - started);

  const finished = failure === null && finishReason !== null;
  if (!finished) {
    if (watchdog.fired) {
      failure = stallFailure(areq.provider, watchdog.stalledAfterMs, opened, text.length > 0);
    } else if (turn.signal.aborted) {
      failure = abortFailure(turn.signal.reason);
    } else {
      failure ??= {
        code: 'PROVIDER_ERROR',
        message: `${providerSpec(areq.provider).name} ended the answer without finishing it.`,
        status: null,
        retryable: true,
        retryAfterMs: null,
      };
    }
  }
  return { text, usage, opened, finishReason, servedModel, failure: finished ? null : failure, latencyMs, ttftMs };
}

/** Adapters never throw; this is a bug or a client that could not be built (bad base URL). */
function thrownFailure(rt: RouterRuntime, areq: AdapterRequest, err: unknown): ProviderFailure {
  if (err instanceof AppError) {
    return { code: err.code, message: err.message, status: null, retryable: false, retryAfterMs: null, ...(typeof err.details?.hint === 'string' ? { hint: err.details.hint } : {}) };
  }
  rt.deps.logger.error('adapter threw', { provider: areq.provider, err });
  return { code: 'INTERNAL', message: 'The provider request failed inside Switchboard.', status: null, retryable: false, retryAfterMs: null };
}

function abortFailure(reason: unknown): ProviderFailure {
  return reason instanceof AppError
    ? { code: reason.code, message: reason.message, status: null, retryable: false, retryAfterMs: null }
    : { code: 'CANCELLED', message: 'The turn was cancelled.', status: null, retryable: false, retryAfterMs: null };
}
