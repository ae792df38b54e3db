/**
 * A provider call under our own time limit, failures classified. Used by the key test and by the
 * catalog refresh (models.refresh).
 *
 * Exports:
 *   - `timedProviderCall(target, timeoutMs, call)` → `{ ok: true, value }`, or `{ ok: false, info, error }`
 *     with `info` from `classifyProviderError` (a timeout reads as TIMEOUT, not a cancel) and the error
 *     as thrown, for callers that look closer. Never rejects because of the call.
 *   - type `ProbeTarget`, `TimedCallOutcome`.
 */
import type { ProviderId } from '../../../shared/contract/index.js';
import { wireOf } from './clients.js';
import { classifyOptionsFor, classifyProviderError, type ProviderErrorInfo } from './errors.js';

/** What a failure is classified with. */
export interface ProbeTarget {
  provider: ProviderId;
  /** The base URL the call goes to (already resolved), to name its host in hints. */
  baseUrl: string;
  /** Scrubbed from any provider text passed on. Read it before the call: a stored key's getter decrypts. */
  secret: string;
}

export type TimedCallOutcome<T> = { ok: true; value: T } | { ok: false; info: ProviderErrorInfo; error: unknown };

/** Runs `call` with a signal that aborts after `timeoutMs`; the timer is cleared however it ends. */
export async function timedProviderCall<T>(
  target: ProbeTarget,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<TimedCallOutcome<T>> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    return { ok: true, value: await call(controller.signal) };
  } catch (error) {
    return { ok: false, info: classifyProviderError(error, wireOf(target.provider), classifyOptionsFor(target, { timedOut, timeoutMs })), error };
  } finally {
    clearTimeout(timer);
  }
}
