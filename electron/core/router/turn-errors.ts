import { AppError, type ProviderId } from '../../../shared/contract/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { ResolvedKey } from '../ports.js';
import type { ProviderFailure } from '../providers/adapters/types.js';
import { type ResolvedEntry, type TurnState, TurnEnd } from './turn.js';

/** The answer broke off after text reached the user: the text is kept, nothing is replaced. */
export function interruptedError(state: TurnState, resolved: ResolvedEntry, key: ResolvedKey, failure: ProviderFailure, partialText: string): AppError {
  const name = providerSpec(resolved.provider).name;
  return new AppError('STREAM_INTERRUPTED', `${name} stopped in the middle of the answer: ${failure.message} The text received so far is kept.`, {
    cause: failure.code,
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    partialText,
    attempts: state.attempts,
    hint: 'Send the message again to get a complete answer.',
  });
}

/** The turn was stopped (cancel, session ended, shutdown): the abort reason says by whom. */
export function cancelledError(state: TurnState, partialText: string): AppError {
  const reason = state.turn.signal.reason;
  const base = reason instanceof AppError ? reason : new AppError('CANCELLED', 'The turn was cancelled.');
  return new AppError(base.code, base.message, { ...base.details, partialText, attempts: state.attempts });
}

/** A failure nothing else in the chain would help with (content policy, say). */
export function endError(state: TurnState, resolved: ResolvedEntry, key: ResolvedKey, failure: ProviderFailure): AppError {
  return new AppError(failure.code, failure.message, {
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    ...(failure.status !== null ? { status: failure.status } : {}),
    ...(failure.hint ? { hint: failure.hint } : {}),
    attempts: state.attempts,
    partialText: '',
  });
}

/** Every entry of the chain failed: the last failure, with how many requests were made. */
export function exhaustedError(state: TurnState, firstResolveError: AppError | null): AppError {
  const last = state.failures[state.failures.length - 1];
  if (!last) return firstResolveError ?? new AppError('PROVIDER_UNAVAILABLE', 'No model in the chain could be reached.', { attempts: state.attempts });
  const tried = state.failures.length > 1 || state.attempts.length > 1 ? ` after ${state.attempts.filter((a) => a.status !== 'skipped').length} attempts` : '';
  return new AppError(last.failure.code, `${last.failure.message}${tried ? ` (gave up${tried})` : ''}`, {
    provider: last.provider,
    model: last.model,
    keyId: last.keyId,
    ...(last.failure.status !== null ? { status: last.failure.status } : {}),
    ...(last.failure.hint ? { hint: last.failure.hint } : {}),
    retryable: last.failure.retryable,
    attempts: state.attempts,
    partialText: '',
  });
}

export function throwIfAborted(state: TurnState): void {
  if (state.turn.signal.aborted) throw new TurnEnd(cancelledError(state, ''));
}

/** What a stall looked like to the user: no response, accepted but silent, or silent mid-answer. */
export function stallFailure(provider: ProviderId, ms: number, opened: boolean, writing: boolean): ProviderFailure {
  const name = providerSpec(provider).name;
  const s = Math.max(1, Math.round(ms / 1000));
  return {
    code: 'TIMEOUT',
    message: writing
      ? `${name} stopped sending for ${s} s.`
      : opened
        ? `${name} accepted the request but sent nothing for ${s} s.`
        : `${name} did not respond within ${s} s.`,
    status: null,
    retryable: true,
    retryAfterMs: null,
    hint: 'The provider may be overloaded, or a proxy is holding the connection. Try again or pick another model.',
  };
}

export function withHint(error: AppError): AppError {
  if (error.code === 'KEY_NOT_FOUND' && typeof error.details?.hint !== 'string') {
    return new AppError(error.code, error.message, { ...error.details, hint: 'The key was deleted or never existed. Pick another model for this conversation, or add the key again in Settings.' });
  }
  return error;
}
