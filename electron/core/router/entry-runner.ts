import type { ChatTarget } from '../../../shared/contract/index.js';
import type { ResolvedKey } from '../ports.js';
import { attemptOnce } from './attempt.js';
import { decideRefusal, decideRetry } from './retry-policy.js';
import { pushAttempt, type RouterRuntime } from './runtime.js';
import { cancelledError, endError, interruptedError, refusalError, skippedFailure } from './turn-errors.js';
import { entryKind, type AttemptOutcome, type CallLink, type Entry, type ResolvedEntry, type TurnState, TurnEnd } from './turn.js';

/**
 * One chain entry: its key with retries, then the provider's other keys on auth/quota errors.
 * Resolves with the answer, or null when this entry cannot serve and the next
 * may (`skipTo`, which chat.skip moves on to); throws TurnEnd when nothing else would help.
 */
export async function runEntry(
  rt: RouterRuntime,
  state: TurnState,
  entry: Entry,
  resolved: ResolvedEntry,
  skipTo: ChatTarget | null,
): Promise<{ key: ResolvedKey; outcome: AttemptOutcome } | null> {
  const skipped = state.turn.beginEntry(skipTo);
  try {
    return await runKeys(rt, state, entry, resolved, skipped);
  } finally {
    state.turn.endEntry();
  }
}

async function runKeys(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, skipped: AbortSignal): Promise<{ key: ResolvedKey; outcome: AttemptOutcome } | null> {
  // Unique by id (candidates are, and failover appends only new ids), so every later entry is untried.
  const keys = [...resolved.keys];
  let attemptNo = 0;
  let loadedMore = false;
  let previousKeyId: string | null = null;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    let retries = 0;
    let waitedMs = 0;
    for (;;) {
      attemptNo++;
      const link = linkOf(state, entry, key, attemptNo, previousKeyId);
      previousKeyId = key.id;
      if (skipped.aborted) {
        reportSkippedByUser(rt, state, entry, resolved, key, link);
        return null;
      }
      const outcome = await attemptOnce(rt, state, entry, resolved, key, link);
      if (outcome.ok) return { key, outcome };
      const failure = outcome.failure!;
      state.failures.push({ provider: resolved.provider, model: resolved.model, keyId: key.id, failure, ...(outcome.refusal ? { refusal: outcome.refusal } : {}) });
      const afterFirstToken = outcome.text.length > 0;
      if (state.turn.signal.aborted) throw new TurnEnd(cancelledError(state, outcome.text));
      if (afterFirstToken) throw new TurnEnd(interruptedError(state, resolved, key, failure, outcome.text));
      const decision = outcome.refusal ? decideRefusal(outcome.refusal) : decideRetry(failure, { retries, waitedMs, afterFirstToken }, rt.retry);
      if (decision.kind === 'retry') {
        const waited = await waitBeforeRetry(rt, state, decision.delayMs, skipped);
        if (waited === 'skipped') {
          reportSkippedByUser(rt, state, entry, resolved, key, linkOf(state, entry, key, attemptNo + 1, key.id));
          return null;
        }
        retries++;
        waitedMs += decision.delayMs;
        continue;
      }
      if (decision.kind === 'stop') throw new TurnEnd(outcome.refusal ? refusalError(state, outcome.refusal) : endError(state, resolved, key, failure));
      // The system default stands for one managed key; it never borrows the user's own keys.
      if (decision.kind === 'next-key' && rt.deps.settings().keyFailover && !('system' in entry.target)) {
        if (!loadedMore) {
          loadedMore = true;
          await addFailoverKeys(rt, resolved, keys);
        }
        if (k + 1 < keys.length) break;
      }
      return null;
    }
  }
  return null;
}

/**
 * How a request relates to the calls before it: an entry's first request is the turn's first call
 * or a fallback (from the turn's latest call); then the same key again is a retry of the call just
 * made, and another key is a key failover replacing the previous one.
 */
function linkOf(state: TurnState, entry: Entry, key: ResolvedKey, attempt: number, previousKeyId: string | null): CallLink {
  const none = { retryOf: null, fallbackOf: null, replacedKeyId: null };
  if (previousKeyId === null) {
    const kind = entryKind(entry);
    return { attempt, kind, ...none, fallbackOf: kind === 'fallback' ? state.prevRecordId : null };
  }
  if (previousKeyId === key.id) return { attempt, kind: 'retry', ...none, retryOf: state.prevRecordId };
  return { attempt, kind: 'key-failover', ...none, replacedKeyId: previousKeyId };
}

/** The backoff before a retry; a cancel ends the turn, a skip gives up on the entry. */
async function waitBeforeRetry(rt: RouterRuntime, state: TurnState, ms: number, skipped: AbortSignal): Promise<'waited' | 'skipped'> {
  try {
    await rt.sleep(ms, AbortSignal.any([state.turn.signal, skipped]));
    return 'waited';
  } catch {
    if (state.turn.signal.aborted || !skipped.aborted) throw new TurnEnd(cancelledError(state, ''));
    return 'skipped';
  }
}

/** The user skipped the entry between its requests: no request was made for this attempt. */
function reportSkippedByUser(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, link: CallLink): void {
  const failure = skippedFailure(resolved.model, null);
  state.failures.push({ provider: resolved.provider, model: resolved.model, keyId: key.id, failure });
  pushAttempt(rt, state, {
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    status: 'skipped',
    errorCode: failure.code,
    errorMessage: failure.message,
    chainIndex: entry.chainIndex,
    attempt: link.attempt,
    kind: link.kind,
  });
}

/** The provider's other keys, appended once, for key failover. */
async function addFailoverKeys(rt: RouterRuntime, resolved: ResolvedEntry, keys: ResolvedKey[]): Promise<void> {
  try {
    for (const c of await rt.deps.keys.candidates(resolved.provider)) if (!keys.some((x) => x.id === c.id)) keys.push(c);
  } catch (err) {
    rt.deps.logger.warn('key failover: could not list the provider’s other keys', { provider: resolved.provider, err });
  }
}
