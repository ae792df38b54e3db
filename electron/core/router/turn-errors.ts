import { describeAttemptCounts } from '../../../shared/attempt-counts.js';
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

/** A limit that covers every entry of the chain refused the request: the turn ends with the limit's own error. */
export function refusalError(state: TurnState, refusal: AppError): AppError {
  return new AppError(refusal.code, refusal.message, { ...refusal.details, attempts: state.attempts, partialText: '' });
}

/**
 * Every entry of the chain failed: the failure that ended the turn (the last one), with what the
 * attempts came to, counted as the attempts list counts them (shared/attempt-counts.ts).
 */
export function exhaustedError(state: TurnState, firstResolveError: AppError | null): AppError {
  const last = state.failures[state.failures.length - 1];
  if (!last) return firstResolveError ?? new AppError('PROVIDER_UNAVAILABLE', 'No model in the chain could be reached.', { attempts: state.attempts });
  const tried = state.attempts.length > 1 ? ` (gave up after ${describeAttemptCounts(state.attempts)})` : '';
  return new AppError(last.failure.code, `${last.failure.message}${tried}`, {
    // A limit's own details (which limit, when it resets) come first; the turn's facts win.
    ...last.refusal?.details,
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

/**
 * What a stall looked like to the user: no response, accepted but no answer, or silent mid-answer.
 * A stall before the first token is one failure for the chain (not retryable): the user has waited
 * the whole first-token limit already, so the next entry is tried rather than the same one again.
 */
export function stallFailure(provider: ProviderId, ms: number, opened: boolean, writing: boolean): ProviderFailure {
  const name = providerSpec(provider).name;
  const s = Math.max(1, Math.round(ms / 1000));
  if (writing) {
    return {
      code: 'TIMEOUT',
      message: `${name} stopped sending for ${s} s.`,
      status: null,
      retryable: true,
      retryAfterMs: null,
      hint: 'The provider may be overloaded, or a proxy is holding the connection. Try again or pick another model.',
    };
  }
  return {
    code: 'TIMEOUT',
    message: opened ? `${name} accepted the request but sent no answer within ${s} s.` : `${name} did not respond within ${s} s.`,
    status: null,
    retryable: false,
    retryAfterMs: null,
    hint: 'The provider may be overloaded, or a proxy is holding the connection. How long to wait for the first token is set in Settings → Providers & Keys.',
  };
}

/** The user gave up waiting (chat.skip) for a request, after `waitedMs`, or between requests (null): the chain goes on with its next entry. */
export function skippedFailure(model: string, waitedMs: number | null): ProviderFailure {
  const after = waitedMs === null ? '' : ` after ${Math.max(1, Math.round(waitedMs / 1000))} s`;
  return { code: 'SKIPPED_BY_USER', message: `You skipped ${model}${after}.`, status: null, retryable: false, retryAfterMs: null };
}

export function withHint(error: AppError): AppError {
  if (error.code === 'KEY_NOT_FOUND' && typeof error.details?.hint !== 'string') {
    return new AppError(error.code, error.message, { ...error.details, hint: 'The key was deleted or never existed. Pick another model for this conversation, or add the key again in Settings.' });
  }
  return error;
}
