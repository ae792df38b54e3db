import type { AppError } from '../../../shared/contract/index.js';
import type { ProviderFailure } from '../providers/adapters/types.js';

/*
 * The router's single retry policy (the SDKs' own retries are off). Written here rather than taken
 * from p-retry or similar because the decision is more than "again or not": every attempt is
 * reported and metered on its own, a provider's retry-after decides the wait (and a too-long one
 * means "fail over now" rather than "sleep"), and the outcome feeds key failover and the fallback
 * chain. A pure function of (failure, retries so far) plus an injected random source keeps it
 * testable without waiting.
 */

export interface RetryPolicyOptions {
  /** Retries of one chain entry's key after the first request; 3 → at most 4 requests. */
  maxRetries: number;
  /** First backoff; doubles per retry. */
  baseDelayMs: number;
  /** Ceiling of one computed backoff. */
  maxDelayMs: number;
  /** Longest retry-after we are willing to sleep; anything longer fails over instead. */
  maxRetryAfterMs: number;
  /** Ceiling on the summed waits of one chain entry, so a turn never hangs on backoff. */
  maxTotalWaitMs: number;
  /** [0, 1); injectable for tests. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  maxTotalWaitMs: 60_000,
  random: Math.random,
};

export type RetryDecision =
  /** Send the same request again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; basis: 'retry-after' | 'backoff' }
  /** The key itself is refused (auth, out of credit): try the provider's next key, else fail over. */
  | { kind: 'next-key' }
  /** Give up on this chain entry; the next one may serve. */
  | { kind: 'fallover'; why: 'exhausted' | 'retry-after-too-long' | 'not-retryable' | 'context-too-long' | 'skipped-by-user' | 'limit' }
  /** End the turn with this failure: nothing else would help (cancelled, content policy, output already streamed). */
  | { kind: 'stop' };

export interface RetryState {
  /** Retries already made for this entry and key (0 after the first request). */
  retries: number;
  /** Sum of the waits already spent on this entry. */
  waitedMs: number;
  /** Output already reached the caller: nothing may be retried or replaced any more. */
  afterFirstToken: boolean;
}

/** Backoff before retry number `retry` (1-based): base·2^(retry−1), capped, with "equal jitter" (50–100%). */
export function backoffMs(retry: number, options: RetryPolicyOptions): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + (exp / 2) * options.random());
}

export function decideRetry(failure: ProviderFailure, state: RetryState, options: RetryPolicyOptions = DEFAULT_RETRY_POLICY): RetryDecision {
  if (state.afterFirstToken) return { kind: 'stop' };
  switch (failure.code) {
    case 'CANCELLED':
    case 'CONTENT_FILTERED':
      return { kind: 'stop' };
    // A limit of a provider (a team server's budget) covers that entry only.
    case 'LIMIT_EXCEEDED':
      return { kind: 'fallover', why: 'limit' };
    case 'SKIPPED_BY_USER':
      return { kind: 'fallover', why: 'skipped-by-user' };
    case 'KEY_INVALID':
    case 'QUOTA_EXHAUSTED':
    // Another key of the same provider may belong to a project with access.
    case 'PERMISSION_DENIED':
      return { kind: 'next-key' };
    case 'CONTEXT_TOO_LONG':
      return { kind: 'fallover', why: 'context-too-long' };
    default:
      break;
  }
  if (!failure.retryable) return { kind: 'fallover', why: 'not-retryable' };
  if (state.retries >= options.maxRetries) return { kind: 'fallover', why: 'exhausted' };
  let delayMs: number;
  let basis: 'retry-after' | 'backoff';
  if (failure.retryAfterMs !== null && failure.retryAfterMs >= 0) {
    if (failure.retryAfterMs > options.maxRetryAfterMs) return { kind: 'fallover', why: 'retry-after-too-long' };
    delayMs = Math.ceil(failure.retryAfterMs);
    basis = 'retry-after';
  } else {
    delayMs = backoffMs(state.retries + 1, options);
    basis = 'backoff';
  }
  if (state.waitedMs + delayMs > options.maxTotalWaitMs) return { kind: 'fallover', why: 'exhausted' };
  return { kind: 'retry', delayMs, basis };
}

/**
 * A limit of ours refused a request before it was sent (LIMIT_EXCEEDED from admission, see the
 * `scope` of its details). A limit that covers every entry (the monthly total, the conversation's
 * budget) ends the turn; one on a provider or a key lets the next entry of the chain try. A key's
 * limit does not move on to the provider's other keys: the user chose that key for this model, and
 * its limit is what they set for it. A cap refusing a model because its price is unknown is about
 * that model alone.
 */
export function decideRefusal(refusal: AppError): RetryDecision {
  const scope = refusal.details?.scope;
  if (refusal.details?.reason === 'price-unknown') return { kind: 'fallover', why: 'limit' };
  if (scope === 'monthlyUsd.total' || scope === 'sessionUsd') return { kind: 'stop' };
  return { kind: 'fallover', why: 'limit' };
}

/** Sleeps unless the signal aborts first (then rejects with the signal's reason). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
