import type { ResolvedKey } from '../ports.js';
import { attemptOnce } from './attempt.js';
import { decideRetry } from './retry-policy.js';
import type { RouterRuntime } from './runtime.js';
import { cancelledError, endError, interruptedError } from './turn-errors.js';
import { type AttemptOutcome, type Entry, type ResolvedEntry, type TurnState, TurnEnd } from './turn.js';

/**
 * One chain entry: its key with retries, then the provider's other keys on auth/quota errors.
 * Resolves with the answer, or null when this entry cannot serve and the next may; throws TurnEnd
 * when nothing else would help.
 */
export async function runEntry(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry): Promise<{ key: ResolvedKey; outcome: AttemptOutcome } | null> {
  // Unique by id (candidates are, and failover appends only new ids), so every later entry is untried.
  const keys = [...resolved.keys];
  let attemptNo = 0;
  let loadedMore = false;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    let retries = 0;
    let waitedMs = 0;
    for (;;) {
      attemptNo++;
      const outcome = await attemptOnce(rt, state, entry, resolved, key, attemptNo);
      if (outcome.ok) return { key, outcome };
      const failure = outcome.failure!;
      state.failures.push({ provider: resolved.provider, model: resolved.model, keyId: key.id, failure });
      const afterFirstToken = outcome.text.length > 0;
      if (state.turn.signal.aborted) throw new TurnEnd(cancelledError(state, outcome.text));
      if (afterFirstToken) throw new TurnEnd(interruptedError(state, resolved, key, failure, outcome.text));
      const decision = decideRetry(failure, { retries, waitedMs, afterFirstToken }, rt.retry);
      if (decision.kind === 'retry') {
        try {
          await rt.sleep(decision.delayMs, state.turn.signal);
        } catch {
          throw new TurnEnd(cancelledError(state, ''));
        }
        retries++;
        waitedMs += decision.delayMs;
        continue;
      }
      if (decision.kind === 'stop') throw new TurnEnd(endError(state, resolved, key, failure));
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

/** The provider's other keys, appended once, for key failover. */
async function addFailoverKeys(rt: RouterRuntime, resolved: ResolvedEntry, keys: ResolvedKey[]): Promise<void> {
  try {
    for (const c of await rt.deps.keys.candidates(resolved.provider)) if (!keys.some((x) => x.id === c.id)) keys.push(c);
  } catch (err) {
    rt.deps.logger.warn('key failover: could not list the provider’s other keys', { provider: resolved.provider, err });
  }
}
