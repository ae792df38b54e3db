import { AppError, type Usage } from '../../../shared/contract/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { ResolvedKey } from '../ports.js';
import type { AdapterRequest, FinishReason, ProviderFailure, ToolCall } from '../providers/adapters/types.js';
import type { RouterRuntime } from './runtime.js';
import { skippedFailure, stallFailure } from './turn-errors.js';
import { SKIP, type TurnState } from './turn.js';

/** The abort reason of our own stall watchdog, told apart from a user's cancel. */
const STALL = Symbol('stall');

/** What one provider request streamed back, however it ended. */
export interface StreamResult {
  text: string;
  /** The provider's own figures, when it sent them. */
  usage: Usage | null;
  /** USD the provider said the request cost (OpenRouter's usage.cost), when it said. */
  reportedCostUsd: number | null;
  /** The provider accepted the request (it may bill for it). */
  opened: boolean;
  /** Tool calls the model made, in its order. */
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
  servedModel: string | null;
  /** null when the answer finished. */
  failure: ProviderFailure | null;
  latencyMs: number;
  ttftMs: number | null;
}

/**
 * Aborts a request that goes quiet. Before the first token one deadline holds, whatever else
 * arrives; then one timer re-armed per chunk with refresh() (no allocation).
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
 * Runs one adapter request under the turn's abort signal, the entry's skip signal (until output
 * flows) and a stall watchdog: `firstTokenMs` to the first token of a streamed request, then the
 * idle limit between chunks; the whole answer within requestMs when not streamed. Forwards text
 * deltas of a streamed turn as they come. Never throws.
 */
export async function streamAttempt(rt: RouterRuntime, state: TurnState, key: ResolvedKey, areq: AdapterRequest, firstTokenMs: number): Promise<StreamResult> {
  const { turn, req } = state;
  const ctl = new AbortController();
  const onTurnAbort = () => ctl.abort(turn.signal.reason);
  if (turn.signal.aborted) ctl.abort(turn.signal.reason);
  else turn.signal.addEventListener('abort', onTurnAbort, { once: true });
  const skip = turn.skipSignal;
  const onSkip = () => ctl.abort(SKIP);
  if (skip?.aborted) ctl.abort(SKIP);
  else skip?.addEventListener('abort', onSkip, { once: true });
  const wireStream = areq.stream;
  const watchdog = new StallWatchdog(ctl, wireStream ? firstTokenMs : rt.timeouts.requestMs);

  const started = rt.clock();
  let text = '';
  let usage: Usage | null = null;
  let reportedCostUsd: number | null = null;
  let opened = false;
  let firstTokenAt: number | null = null;
  let finishReason: FinishReason | null = null;
  let servedModel: string | null = null;
  let failure: ProviderFailure | null = null;
  const toolCalls: ToolCall[] = [];
  /** Output (text or a tool call) reached the caller: the first-token wait is over and no skip may drop it. */
  let writing = false;
  try {
    const adapter = rt.deps.adapters(key);
    for await (const ev of adapter.stream(areq, ctl.signal)) {
      if (!writing && (ev.type === 'text' || ev.type === 'tool_call')) {
        writing = true;
        turn.noteWriting();
      }
      if (wireStream && writing) watchdog.rearm(rt.timeouts.idleMs);
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
        case 'tool_call':
          toolCalls.push({ id: ev.id, name: ev.name, arguments: ev.arguments, ...(ev.signature ? { signature: ev.signature } : {}) });
          break;
        case 'usage':
          usage = ev.usage;
          reportedCostUsd = ev.costUsd ?? null;
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
    skip?.removeEventListener('abort', onSkip);
  }
  const latencyMs = Math.round(rt.clock() - started);
  const ttftMs = firstTokenAt === null ? null : Math.round(firstTokenAt - started);

  const finished = failure === null && finishReason !== null;
  if (!finished) {
    if (watchdog.fired) {
      failure = stallFailure(areq.provider, watchdog.stalledAfterMs, opened, writing);
    } else if (turn.signal.aborted) {
      failure = abortFailure(turn.signal.reason);
    } else if (ctl.signal.aborted && ctl.signal.reason === SKIP) {
      failure = skippedFailure(areq.model, latencyMs);
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
  return { text, usage, reportedCostUsd, opened, toolCalls, finishReason, servedModel, failure: finished ? null : failure, latencyMs, ttftMs };
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
