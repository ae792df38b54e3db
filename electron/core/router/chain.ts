import { AppError, type ChatSendResponse } from '../../../shared/contract/index.js';
import { answerOf } from './answer.js';
import { runEntry } from './entry-runner.js';
import { validateForModel } from './output-allowance.js';
import { resolveTarget } from './resolve-entry.js';
import { internalError, pushAttempt, type RouterRuntime } from './runtime.js';
import { exhaustedError, throwIfAborted, withHint } from './turn-errors.js';
import { entryKind, type Entry, type ResolvedEntry, type TurnState } from './turn.js';

/**
 * The fallback chain of one turn: the caller's target, its fallbacks and (by setting) the system
 * default, in order. An entry whose key is cooling down is deferred behind the others; an entry
 * that cannot be resolved is reported as skipped.
 */
export async function runChain(rt: RouterRuntime, state: TurnState): Promise<ChatSendResponse> {
  const queue = chainOf(rt, state);
  const deferred: Entry[] = [];
  let firstResolveError: AppError | null = null;

  for (let i = 0; i < queue.length + deferred.length; i++) {
    const entry = i < queue.length ? queue[i]! : deferred[i - queue.length]!;
    const retryingDeferred = i >= queue.length;
    throwIfAborted(state);
    let resolved: ResolvedEntry;
    try {
      resolved = await resolveTarget(rt, entry.target, true);
    } catch (err) {
      const error = err instanceof AppError ? err : internalError(rt, err);
      // The caller's own target is unusable and nothing else was asked for: say exactly why.
      if (queue.length === 1) throw withHint(error);
      firstResolveError ??= withHint(error);
      reportUnresolved(rt, state, entry, error);
      continue;
    }
    if (entry.chainIndex === 0) validateForModel(state.req.params, resolved.provider, resolved.info);
    rt.sessions.noteKey(state.req.sessionId, resolved.keys[0]!.id, resolved.provider);

    // A key cooling down after repeated failures is passed over while another entry can serve.
    const laterAvailable = i + 1 < queue.length + deferred.length;
    if (!retryingDeferred && laterAvailable && rt.health.isCoolingDown(resolved.keys[0]!.id)) {
      deferred.push(entry);
      reportCoolingDown(rt, state, entry, resolved);
      continue;
    }

    // What chat.skip would move on to: the entry after this one, in the order they are tried.
    const next = i + 1 < queue.length ? queue[i + 1] : deferred[i + 1 - queue.length];
    const done = await runEntry(rt, state, entry, resolved, next?.target ?? null);
    if (done) return answerOf(rt, state, entry, resolved, done.key, done.outcome);
  }
  throw exhaustedError(state, firstResolveError);
}

function chainOf(rt: RouterRuntime, state: TurnState): Entry[] {
  const { req } = state;
  const queue: Entry[] = [req.target, ...(req.fallbacks ?? [])].map((target, chainIndex) => ({ target, chainIndex, systemFallback: false }));
  if (rt.deps.settings().fallbackToSystemDefault && !queue.some((e) => 'system' in e.target)) {
    queue.push({ target: { system: true }, chainIndex: queue.length, systemFallback: true });
  }
  return queue;
}

function reportUnresolved(rt: RouterRuntime, state: TurnState, entry: Entry, error: AppError): void {
  pushAttempt(rt, state, {
    provider: 'provider' in entry.target ? entry.target.provider : 'openai',
    model: 'model' in entry.target ? entry.target.model : '',
    ...('keyId' in entry.target ? { keyId: entry.target.keyId } : {}),
    status: 'skipped',
    errorCode: error.code,
    errorMessage: error.message,
    chainIndex: entry.chainIndex,
    attempt: 1,
    kind: entryKind(entry),
  });
}

function reportCoolingDown(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry): void {
  const chosen = resolved.keys[0]!;
  pushAttempt(rt, state, {
    provider: resolved.provider,
    model: resolved.model,
    keyId: chosen.id,
    status: 'skipped',
    errorCode: 'COOLING_DOWN',
    errorMessage: `This key failed several times in a row and is paused until ${new Date(rt.health.coolingDownUntil(chosen.id) ?? Date.now()).toISOString()}.`,
    chainIndex: entry.chainIndex,
    attempt: 1,
    kind: entryKind(entry),
  });
}
