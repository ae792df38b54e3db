import { randomUUID } from 'node:crypto';
import {
  AppError,
  ZERO_USAGE,
  type Attempt,
  type ChatMessage,
  type ChatParams,
  type ChatSendRequest,
  type ChatSendResponse,
  type ChatTarget,
  type EventName,
  type EventPayload,
  type ModelInfo,
  type ProviderId,
  type Settings,
  type Usage,
  type UsageRecord,
} from '../../../shared/contract/index.js';
import { costUsd, pricingForPrompt, promptTokensOf, worstCaseCostUsd } from '../../../shared/cost.js';
import { maxTemperature, providerSpec } from '../../../shared/providers/registry.js';
import type { Logger } from '../app/logger.js';
import type { CallAdmission, KeyResolver, ModelLookup, Reservation, ResolvedKey, SessionEnder } from '../ports.js';
import type { AdapterFactory } from '../providers/adapters/index.js';
import type { AdapterRequest, FinishReason, ProviderFailure } from '../providers/adapters/types.js';
import { estimateOutputTokens } from '../providers/adapters/usage.js';
import { HealthTracker } from './health.js';
import { abortableSleep, decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicyOptions } from './retry-policy.js';
import { SessionRegistry, type RunningTurn } from './sessions.js';
import { environmentSystemDefault, systemDefaultUnavailable, type SystemDefaultSource } from './system-default.js';

export interface RouterTimeouts {
  /** Streamed request: no response (headers) within this → TIMEOUT. */
  firstByteMs: number;
  /** Streamed request: accepted, but no chunk for this long before the first token. Longer than
   * idleMs because reasoning models think in silence before they write. */
  firstTokenMs: number;
  /** Streamed request: no chunk for this long once the answer is flowing → TIMEOUT. */
  idleMs: number;
  /** Non-streamed request: the whole answer within this. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: RouterTimeouts = { firstByteMs: 60_000, firstTokenMs: 120_000, idleMs: 60_000, requestMs: 300_000 };

/** Output allowance for a model the catalog does not know (local servers reject more than they hold). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;
/** Output allowance sent when the conversation sets none, capped at the model's own maximum. */
export const DEFAULT_TURN_OUTPUT_TOKENS = 8192;
/** Reasoning models spend output tokens thinking before they answer, so they get more room. */
export const DEFAULT_TURN_OUTPUT_TOKENS_REASONING = 32768;

/**
 * The max output sent to the provider when the caller gives none. It is always sent, so the
 * worst case reserved against limits is what the provider may really bill: reserving a model's
 * full 128k-token maximum on every turn would make small budgets refuse ordinary chats.
 */
export function defaultOutputAllowance(info: ModelInfo | null): number {
  if (!info) return DEFAULT_MAX_OUTPUT_TOKENS;
  const base = info.capabilities.includes('reasoning') ? DEFAULT_TURN_OUTPUT_TOKENS_REASONING : DEFAULT_TURN_OUTPUT_TOKENS;
  return info.maxOutputTokens !== null ? Math.min(base, info.maxOutputTokens) : base;
}

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface RouterDeps {
  keys: KeyResolver;
  admission: CallAdmission;
  models: ModelLookup;
  settings: () => Pick<Settings, 'keyFailover' | 'fallbackToSystemDefault'>;
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

/** The abort reason of our own stall watchdog, told apart from a user's cancel. */
const STALL = Symbol('stall');

class Turn implements RunningTurn {
  readonly controller = new AbortController();
  constructor(
    readonly streamId: string,
    readonly sessionId: string,
  ) {}
  abort(reason: AppError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

interface Entry {
  target: ChatTarget;
  chainIndex: number;
  /** Added by settings.fallbackToSystemDefault rather than by the caller. */
  systemFallback: boolean;
}

interface ResolvedEntry {
  provider: ProviderId;
  model: string;
  /** The chosen key first; more are fetched only for key failover. */
  keys: ResolvedKey[];
  info: ModelInfo | null;
}

interface AttemptOutcome {
  ok: boolean;
  failure: ProviderFailure | null;
  text: string;
  usage: Usage;
  record: UsageRecord | null;
  /** The prices `usage` falls under (its prompt's long-prompt tier, as the ledger settles): the cost when settling failed. */
  pricing: ModelInfo['pricing'];
  finishReason: FinishReason | null;
  servedModel: string | null;
}

interface TurnState {
  turn: Turn;
  req: ChatSendRequest;
  stream: boolean;
  attempts: Attempt[];
  prevRecordId: string | null;
  startedAt: number;
  firstTokenAt: number | null;
  promptCache: Map<string, number>;
  /** Failures worth telling the user about, oldest first. */
  failures: Array<{ provider: ProviderId; model: string; keyId: string; failure: ProviderFailure }>;
}

/** A failure that ends the turn at once (cancel, limit, text already streamed). */
class TurnEnd extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/**
 * Runs chat turns: resolves the chain (target + fallbacks), admits every provider request against
 * the limits, streams through the adapters, retries and fails over by one policy, meters every
 * request exactly once, and reports each attempt.
 */
export class ChatRouter implements SessionEnder {
  readonly sessions: SessionRegistry;
  readonly health: HealthTracker;
  private readonly turns = new Map<string, Turn>();
  /** Settles when the turn has finished (metered, events sent), whatever its outcome. */
  private readonly finished = new Set<Promise<unknown>>();
  private readonly retry: RetryPolicyOptions;
  private readonly timeouts: RouterTimeouts;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly clock: () => number;
  /** What "System default" resolves to (chat.systemDefault describes it for the model picker). */
  readonly systemDefault: SystemDefaultSource;

  constructor(private readonly deps: RouterDeps) {
    this.sessions = deps.sessions ?? new SessionRegistry({ ended: (p) => deps.emit('session.ended', p) });
    this.health = deps.health ?? new HealthTracker();
    this.retry = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
    this.sleep = deps.sleep ?? abortableSleep;
    this.clock = deps.clock ?? (() => performance.now());
    this.systemDefault = deps.systemDefault ?? environmentSystemDefault(deps.keys);
  }

  /** chat.send: resolves with the answer or rejects with an AppError (partial text in details). */
  send(req: ChatSendRequest): Promise<ChatSendResponse> {
    const p = this.sendTurn(req);
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.finished.add(settled);
    void settled.then(() => this.finished.delete(settled));
    return p;
  }

  private async sendTurn(req: ChatSendRequest): Promise<ChatSendResponse> {
    const streamId = req.streamId ?? randomUUID();
    if (this.turns.has(streamId)) throw new AppError('CONFLICT', `streamId "${streamId}" is already in use by a running turn.`, { field: 'streamId' });
    this.sessions.prepareTurn({ sessionId: req.sessionId, target: req.target, ...(req.fallbacks ? { fallbacks: req.fallbacks } : {}), ...(req.agent ? { agent: req.agent } : {}) });
    const turn = new Turn(streamId, req.sessionId);
    this.turns.set(streamId, turn);
    this.sessions.beginTurn(req.sessionId, turn);
    const state: TurnState = {
      turn,
      req,
      stream: req.stream === true,
      attempts: [],
      prevRecordId: null,
      startedAt: this.clock(),
      firstTokenAt: null,
      promptCache: new Map(),
      failures: [],
    };
    try {
      const result = await this.runTurn(state);
      if (state.stream) this.deps.emit('chat.done', { streamId, sessionId: req.sessionId, result });
      return result;
    } catch (err) {
      const error = err instanceof TurnEnd ? err.error : err instanceof AppError ? err : this.internal(err);
      if (state.stream) {
        const partialText = typeof error.details?.partialText === 'string' ? error.details.partialText : '';
        this.deps.emit('chat.error', { streamId, sessionId: req.sessionId, error: error.toPayload(), partialText });
      }
      throw error;
    } finally {
      this.turns.delete(streamId);
      this.sessions.endTurn(req.sessionId, turn);
    }
  }

  /**
   * keys.delete: ends the sessions using the key and drops its health history. Key ids are never
   * reused, so nothing else would ever clear that history.
   */
  endSessionsUsingKey(keyId: string, reason: string): number {
    this.health.forgetKey(keyId);
    return this.sessions.endSessionsUsingKey(keyId, reason);
  }

  /** chat.cancel: aborts the turn and its HTTP request. Returns how many turns were stopped. */
  cancel(by: { streamId?: string; sessionId?: string }): number {
    const targets = new Set<RunningTurn>();
    if (by.streamId !== undefined) {
      const t = this.turns.get(by.streamId);
      if (t) targets.add(t);
    }
    if (by.sessionId !== undefined) for (const t of this.sessions.runningTurns(by.sessionId)) targets.add(t);
    for (const t of targets) t.abort(new AppError('CANCELLED', 'The turn was cancelled.'));
    return targets.size;
  }

  /** chat.estimate: the prompt's tokens and the cost range of the next turn (prompt only → every output token used). */
  async estimate(req: { target: ChatTarget; messages: ChatMessage[]; params?: ChatParams }) {
    let provider: ProviderId | null = null;
    let model: string | null = null;
    try {
      const r = await this.resolveEntry({ target: req.target, chainIndex: 0, systemFallback: false }, false);
      provider = r.provider;
      model = r.model;
    } catch (err) {
      if (!(err instanceof AppError) || !['SYSTEM_DEFAULT_UNAVAILABLE', 'KEY_NOT_FOUND'].includes(err.code)) throw err;
      if ('provider' in req.target) provider = req.target.provider;
      if ('model' in req.target) model = req.target.model;
    }
    const info = provider && model ? this.deps.models.find(provider, model) : null;
    const est = await this.deps.admission.estimatePromptTokens(req.messages, provider ?? 'openai', model ?? providerSpec('openai').defaultModel);
    const maxOut = req.params?.maxTokens ?? defaultOutputAllowance(info);
    // A long prompt is billed at its tier's prices (GPT-5.4 above 272k tokens); admission reserves by them too.
    const pricing = pricingForPrompt(info?.pricing ?? null, info?.pricingTiers, est.tokens);
    return {
      provider,
      model,
      promptTokens: est.tokens,
      maxOutputTokens: maxOut,
      minCostUsd: costUsd({ ...ZERO_USAGE, inputTokens: est.tokens }, pricing),
      maxCostUsd: worstCaseCostUsd(est.tokens, maxOut, pricing),
      tokenizer: est.tokenizer,
    };
  }

  /** Turns running now (for tests and shutdown). */
  get running(): number {
    return this.turns.size;
  }

  /** Stops every running turn (app shutdown) and waits until each has been metered. */
  async close(): Promise<void> {
    for (const t of this.turns.values()) t.abort(new AppError('CANCELLED', 'Switchboard is shutting down.'));
    await Promise.all([...this.finished]);
  }

  // --- the turn ---------------------------------------------------------------------------------

  private async runTurn(state: TurnState): Promise<ChatSendResponse> {
    const { req } = state;
    const settings = this.deps.settings();
    const queue: Entry[] = [req.target, ...(req.fallbacks ?? [])].map((target, chainIndex) => ({ target, chainIndex, systemFallback: false }));
    if (settings.fallbackToSystemDefault && !queue.some((e) => 'system' in e.target)) {
      queue.push({ target: { system: true }, chainIndex: queue.length, systemFallback: true });
    }
    const deferred: Entry[] = [];
    let firstResolveError: AppError | null = null;

    for (let i = 0; i < queue.length + deferred.length; i++) {
      const entry = i < queue.length ? queue[i]! : deferred[i - queue.length]!;
      const retryingDeferred = i >= queue.length;
      this.throwIfAborted(state);
      let resolved: ResolvedEntry;
      try {
        resolved = await this.resolveEntry(entry, true);
      } catch (err) {
        const error = err instanceof AppError ? err : this.internal(err);
        // The caller's own target is unusable and nothing else was asked for: say exactly why.
        if (queue.length === 1) throw withHint(error);
        firstResolveError ??= withHint(error);
        this.pushAttempt(state, {
          provider: 'provider' in entry.target ? entry.target.provider : 'openai',
          model: 'model' in entry.target ? entry.target.model : '',
          ...('keyId' in entry.target ? { keyId: entry.target.keyId } : {}),
          status: 'skipped',
          errorCode: error.code,
          errorMessage: error.message,
          chainIndex: entry.chainIndex,
          attempt: 1,
        });
        continue;
      }
      if (entry.chainIndex === 0) validateForModel(req.params, resolved.provider, resolved.info);
      this.sessions.noteKey(req.sessionId, resolved.keys[0]!.id, resolved.provider);

      // A key cooling down after repeated failures is passed over while another entry can serve.
      const chosen = resolved.keys[0]!;
      const laterAvailable = i + 1 < queue.length + deferred.length;
      if (!retryingDeferred && laterAvailable && this.health.isCoolingDown(chosen.id)) {
        deferred.push(entry);
        this.pushAttempt(state, {
          provider: resolved.provider,
          model: resolved.model,
          keyId: chosen.id,
          status: 'skipped',
          errorCode: 'COOLING_DOWN',
          errorMessage: 'This key failed several times in a row and is paused for a short while.',
          ...pausedUntil(this.health.coolingDownUntil(chosen.id)),
          chainIndex: entry.chainIndex,
          attempt: 1,
        });
        continue;
      }

      const done = await this.runEntry(state, entry, resolved);
      if (done) return this.answer(state, entry, resolved, done.key, done.outcome);
    }

    const last = state.failures[state.failures.length - 1];
    if (!last) throw firstResolveError ?? new AppError('PROVIDER_UNAVAILABLE', 'No model in the chain could be reached.', { attempts: state.attempts });
    const tried = state.failures.length > 1 || state.attempts.length > 1 ? ` after ${state.attempts.filter((a) => a.status !== 'skipped').length} attempts` : '';
    throw new AppError(last.failure.code, `${last.failure.message}${tried ? ` (gave up${tried})` : ''}`, {
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

  /** One chain entry: its key, retries, then the provider's other keys on auth/quota errors. */
  private async runEntry(
    state: TurnState,
    entry: Entry,
    resolved: ResolvedEntry,
  ): Promise<{ key: ResolvedKey; outcome: AttemptOutcome } | null> {
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
        const outcome = await this.attemptOnce(state, entry, resolved, key, attemptNo);
        if (outcome.ok) return { key, outcome };
        const failure = outcome.failure!;
        state.failures.push({ provider: resolved.provider, model: resolved.model, keyId: key.id, failure });
        const afterFirstToken = outcome.text.length > 0;
        if (state.turn.signal.aborted) throw new TurnEnd(this.cancelled(state, outcome.text));
        if (afterFirstToken) throw new TurnEnd(this.interrupted(state, resolved, key, failure, outcome.text));
        const decision = decideRetry(failure, { retries, waitedMs, afterFirstToken }, this.retry);
        if (decision.kind === 'retry') {
          try {
            await this.sleep(decision.delayMs, state.turn.signal);
          } catch {
            throw new TurnEnd(this.cancelled(state, ''));
          }
          retries++;
          waitedMs += decision.delayMs;
          continue;
        }
        if (decision.kind === 'stop') {
          throw new TurnEnd(this.endError(state, resolved, key, failure));
        }
        // The system default stands for one managed key; it never borrows the user's own keys.
        if (decision.kind === 'next-key' && this.deps.settings().keyFailover && !('system' in entry.target)) {
          if (!loadedMore) {
            loadedMore = true;
            try {
              for (const c of await this.deps.keys.candidates(resolved.provider)) if (!keys.some((x) => x.id === c.id)) keys.push(c);
            } catch (err) {
              this.deps.logger.warn('key failover: could not list the provider’s other keys', { provider: resolved.provider, err });
            }
          }
          if (k + 1 < keys.length) break;
        }
        return null;
      }
    }
    return null;
  }

  /** One provider request: admit, stream with a stall watchdog, settle exactly once, report. */
  private async attemptOnce(state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, attemptNo: number): Promise<AttemptOutcome> {
    const { req, turn } = state;
    const { provider, model } = resolved;
    const info = resolved.info;
    const pricing = info?.pricing ?? null;
    const maxTokens = this.maxTokensFor(req.params, info, entry.chainIndex === 0);
    const temperature = req.params?.temperature === undefined ? undefined : Math.min(req.params.temperature, maxTemperature(provider));
    // Awaited before admit(): the count may come from the tokenizer worker; check-and-reserve stays synchronous.
    const promptTokens = await this.promptTokens(state, provider, model);

    let reservation: Reservation;
    try {
      reservation = this.deps.admission.admit({
        sessionId: req.sessionId,
        agent: req.agent ?? null,
        provider,
        model,
        keyId: key.id,
        source: key.source,
        promptTokens,
        maxOutputTokens: maxTokens,
        pricing,
        pricingTiers: info?.pricingTiers,
        attempt: attemptNo,
        fallbackOf: state.prevRecordId,
      });
    } catch (err) {
      // LIMIT_EXCEEDED (or a broken ledger) ends the turn before any provider request.
      const error = err instanceof AppError ? err : this.internal(err);
      throw new TurnEnd(new AppError(error.code, error.message, { ...error.details, attempts: state.attempts, partialText: '' }));
    }
    state.prevRecordId = reservation.id;

    const wireStream = state.stream;
    const areq: AdapterRequest = {
      provider,
      model,
      messages: req.messages,
      maxTokens,
      stream: wireStream,
      ...(temperature !== undefined ? { temperature } : {}),
    };
    const ctl = new AbortController();
    const onTurnAbort = () => ctl.abort(turn.signal.reason);
    if (turn.signal.aborted) ctl.abort(turn.signal.reason);
    else turn.signal.addEventListener('abort', onTurnAbort, { once: true });
    let stalledAfterMs = 0;
    const stall = (ms: number) => () => {
      stalledAfterMs = ms;
      ctl.abort(STALL);
    };
    // One timer, re-armed per chunk with refresh() (no allocation); its length changes twice per
    // attempt: response → first token → flowing.
    let phaseMs = wireStream ? this.timeouts.firstByteMs : this.timeouts.requestMs;
    let timer = setTimeout(stall(phaseMs), phaseMs);
    const rearm = (ms: number) => {
      if (ms === phaseMs) return timer.refresh();
      clearTimeout(timer);
      phaseMs = ms;
      timer = setTimeout(stall(ms), ms);
    };

    const started = this.clock();
    let text = '';
    let usage: Usage | null = null;
    let opened = false;
    let firstTokenAt: number | null = null;
    let finishReason: FinishReason | null = null;
    let servedModel: string | null = null;
    let failure: ProviderFailure | null = null;
    try {
      const adapter = this.deps.adapters(key);
      for await (const ev of adapter.stream(areq, ctl.signal)) {
        if (wireStream) rearm(firstTokenAt === null && ev.type !== 'text' && ev.type !== 'tool_call' ? this.timeouts.firstTokenMs : this.timeouts.idleMs);
        switch (ev.type) {
          case 'open':
            opened = true;
            break;
          case 'text':
            if (firstTokenAt === null) {
              firstTokenAt = this.clock();
              state.firstTokenAt ??= firstTokenAt;
            }
            text += ev.text;
            if (state.stream) this.deps.emit('chat.delta', { streamId: turn.streamId, sessionId: req.sessionId, text: ev.text });
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
      // Adapters never throw; this is a bug or a client that could not be built (bad base URL).
      failure =
        err instanceof AppError
          ? { code: err.code, message: err.message, status: null, retryable: false, retryAfterMs: null, ...(typeof err.details?.hint === 'string' ? { hint: err.details.hint } : {}) }
          : { code: 'INTERNAL', message: 'The provider request failed inside Switchboard.', status: null, retryable: false, retryAfterMs: null };
      if (!(err instanceof AppError)) this.deps.logger.error('adapter threw', { provider, err });
    } finally {
      clearTimeout(timer);
      turn.signal.removeEventListener('abort', onTurnAbort);
    }
    const latencyMs = Math.round(this.clock() - started);
    const ttftMs = firstTokenAt === null ? null : Math.round(firstTokenAt - started);

    const ok = failure === null && finishReason !== null;
    if (!ok) {
      if (ctl.signal.aborted && ctl.signal.reason === STALL) {
        failure = stallFailure(provider, stalledAfterMs, opened, text.length > 0);
      } else if (turn.signal.aborted) {
        const reason = turn.signal.reason;
        failure =
          reason instanceof AppError
            ? { code: reason.code, message: reason.message, status: null, retryable: false, retryAfterMs: null }
            : { code: 'CANCELLED', message: 'The turn was cancelled.', status: null, retryable: false, retryAfterMs: null };
      } else {
        failure ??= { code: 'PROVIDER_ERROR', message: `${providerSpec(provider).name} ended the answer without finishing it.`, status: null, retryable: true, retryAfterMs: null };
      }
    }

    // What to meter: the provider's own figures when it sent them; otherwise an estimate whenever the
    // provider may have billed (it accepted the request, or we stopped it), else nothing.
    const cancelled = !ok && (failure!.code === 'CANCELLED' || failure!.code === 'SESSION_ENDED');
    let metered: Usage;
    if (ok) metered = usage ?? (await this.tokenizedUsage(promptTokens, text, provider, model, null));
    else if (opened || cancelled || text.length > 0) metered = await this.tokenizedUsage(promptTokens, text, provider, model, usage);
    else metered = usage ?? ZERO_USAGE;
    const status = ok ? 'ok' : cancelled ? 'cancelled' : text.length > 0 ? 'interrupted' : 'error';

    let record: UsageRecord | null = null;
    try {
      record = reservation.settle({ status, usage: metered, errorCode: ok ? null : failure!.code, latencyMs, ttftMs });
    } catch (err) {
      this.deps.logger.error('settling a ledger reservation failed', { provider, model, err });
    }

    this.health.record({ provider, keyId: key.id, ok, ...(ok ? {} : { errorCode: failure!.code }), latencyMs, ttftMs });
    try {
      this.deps.keys.noteUsed(key.id, ok ? { ok: true } : { ok: false, code: failure!.code });
    } catch (err) {
      this.deps.logger.warn('noteUsed failed', { err });
    }
    this.pushAttempt(state, {
      provider,
      model,
      keyId: key.id,
      status: ok ? 'ok' : cancelled ? 'cancelled' : 'error',
      ...(ok ? {} : { errorCode: failure!.code, errorMessage: failure!.message }),
      chainIndex: entry.chainIndex,
      attempt: attemptNo,
      latencyMs,
    });
    const meteredPricing = pricingForPrompt(pricing, info?.pricingTiers, promptTokensOf(metered));
    return { ok, failure: ok ? null : failure, text, usage: metered, record, pricing: meteredPricing, finishReason, servedModel };
  }

  // --- resolution -----------------------------------------------------------------------------

  private async resolveEntry(entry: Entry, forTurn: boolean): Promise<ResolvedEntry> {
    const t = entry.target;
    let provider: ProviderId;
    let model: string;
    let keys: ResolvedKey[];
    if ('system' in t) {
      const sd = this.systemDefault.resolve();
      if (!sd) throw systemDefaultUnavailable();
      provider = sd.key.provider;
      model = sd.model;
      keys = [sd.key];
    } else if ('keyId' in t) {
      const key = await this.deps.keys.resolve(t.keyId);
      provider = key.provider;
      model = t.model;
      keys = [key];
    } else {
      provider = t.provider;
      model = t.model;
      const candidates = await this.deps.keys.candidates(provider);
      if (candidates.length === 0) {
        const spec = providerSpec(provider);
        throw new AppError('KEY_NOT_FOUND', `No ${spec.name} key is set up.`, {
          provider,
          hint: `Add a ${spec.name} key in Settings → Providers${spec.envVars[0] ? ` (or set ${spec.envVars[0]})` : ''}, or pick another model.`,
        });
      }
      // The provider's first key, unless it is cooling down and another is not; the rest serve key failover.
      const healthy = forTurn ? candidates.find((c) => !this.health.isCoolingDown(c.id)) : undefined;
      keys = healthy ? [healthy, ...candidates.filter((c) => c !== healthy)] : candidates;
    }
    return { provider, model, keys, info: this.deps.models.find(provider, model) };
  }

  private maxTokensFor(params: ChatParams | undefined, info: ModelInfo | null, primary: boolean): number {
    const limit = info?.maxOutputTokens ?? null;
    const wanted = params?.maxTokens ?? defaultOutputAllowance(info);
    // The primary was validated; a fallback with a smaller limit gets what it can give.
    return !primary && limit !== null ? Math.min(wanted, limit) : wanted;
  }

  private async promptTokens(state: TurnState, provider: ProviderId, model: string): Promise<number> {
    const k = `${provider}\u0000${model}`;
    let n = state.promptCache.get(k);
    if (n === undefined) {
      n = (await this.deps.admission.estimatePromptTokens(state.req.messages, provider, model)).tokens;
      state.promptCache.set(k, n);
    }
    return n;
  }

  /**
   * Usage counted with the model's tokenizer where it can be, keeping what the provider reported;
   * usage.ts's estimatedUsage guesses output from characters alone, too rough for the ledger.
   */
  private async tokenizedUsage(promptTokens: number, text: string, provider: ProviderId, model: string, reported: Usage | null): Promise<Usage> {
    const out = await this.outputTokens(text, provider, model);
    if (reported) return { ...reported, outputTokens: Math.max(reported.outputTokens, out), estimated: true };
    return { ...ZERO_USAGE, inputTokens: promptTokens, outputTokens: out, estimated: true };
  }

  private async outputTokens(text: string, provider: ProviderId, model: string): Promise<number> {
    if (text.length === 0) return 0;
    try {
      const [withText, empty] = await Promise.all([
        this.deps.admission.estimatePromptTokens([{ role: 'assistant', content: text }], provider, model),
        this.deps.admission.estimatePromptTokens([{ role: 'assistant', content: '' }], provider, model),
      ]);
      return Math.max(1, withText.tokens - empty.tokens);
    } catch {
      return estimateOutputTokens(text);
    }
  }

  // --- answers and errors ---------------------------------------------------------------------

  private answer(state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, outcome: AttemptOutcome): ChatSendResponse {
    const { req } = state;
    const primaryKeyId = 'keyId' in req.target ? req.target.keyId : null;
    const note = this.fallbackNote(state, entry, resolved, key, primaryKeyId);
    const cost = outcome.record ? outcome.record.costUsd : costUsd(outcome.usage, outcome.pricing);
    return {
      text: outcome.text,
      usage: outcome.record?.usage ?? outcome.usage,
      costUsd: cost,
      provider: resolved.provider,
      model: resolved.model,
      keyId: key.id,
      source: key.source,
      attempts: state.attempts,
      ...(state.stream || req.streamId ? { streamId: state.turn.streamId } : {}),
      ...(outcome.finishReason ? { finishReason: outcome.finishReason } : {}),
      ...(outcome.servedModel && outcome.servedModel !== resolved.model ? { servedModel: outcome.servedModel } : {}),
      ...(note ? { fallbackNote: note } : {}),
      latencyMs: Math.round(this.clock() - state.startedAt),
      ttftMs: state.firstTokenAt === null ? null : Math.round(state.firstTokenAt - state.startedAt),
    };
  }

  private fallbackNote(state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, primaryKeyId: string | null): string | null {
    const why = state.failures[0];
    const because = why ? ` because ${why.failure.message.replace(/\.$/, '')}` : '';
    const served = `${providerSpec(resolved.provider).name} ${resolved.model}`;
    if (entry.systemFallback) return `Answered by the system default (${served})${because}.`;
    if (entry.chainIndex > 0) {
      const skipped = !why && state.attempts.some((a) => a.status === 'skipped');
      return `Answered by fallback ${entry.chainIndex} (${served})${because || (skipped ? ' because the first choice was unavailable' : '')}.`;
    }
    const otherKey =
      (primaryKeyId !== null && key.id !== primaryKeyId) ||
      ('provider' in state.req.target && state.attempts.some((a) => a.keyId !== undefined && a.keyId !== key.id));
    if (otherKey) return `Answered with another ${providerSpec(resolved.provider).name} key ("${key.label}")${because}.`;
    return null;
  }

  private interrupted(state: TurnState, resolved: ResolvedEntry, key: ResolvedKey, failure: ProviderFailure, partialText: string): AppError {
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

  private cancelled(state: TurnState, partialText: string): AppError {
    const reason = state.turn.signal.reason;
    const base = reason instanceof AppError ? reason : new AppError('CANCELLED', 'The turn was cancelled.');
    return new AppError(base.code, base.message, { ...base.details, partialText, attempts: state.attempts });
  }

  private endError(state: TurnState, resolved: ResolvedEntry, key: ResolvedKey, failure: ProviderFailure): AppError {
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

  private throwIfAborted(state: TurnState): void {
    if (state.turn.signal.aborted) throw new TurnEnd(this.cancelled(state, ''));
  }

  private pushAttempt(state: TurnState, attempt: Attempt): void {
    state.attempts.push(attempt);
    if (state.stream) this.deps.emit('chat.attempt', { streamId: state.turn.streamId, sessionId: state.req.sessionId, attempt });
  }

  private internal(err: unknown): AppError {
    this.deps.logger.error('chat turn failed unexpectedly', { err });
    return new AppError('INTERNAL', 'Something went wrong inside Switchboard. The details are in the log.');
  }
}

/** When a paused key is tried again, as a moment (shown in the user's zone by the app, never as text here). */
function pausedUntil(until: number | null): { pausedUntil?: number } {
  return until === null ? {} : { pausedUntil: until };
}

function stallFailure(provider: ProviderId, ms: number, opened: boolean, writing: boolean): ProviderFailure {
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

/**
 * Checks parameters against the chosen model: its output limit (catalog) and its provider's temperature
 * range. Types and the 0–2 / positive ranges are the ChatParams schema's, which the dispatcher applies
 * to every chat.send before it gets here.
 */
export function validateForModel(params: ChatParams | undefined, provider: ProviderId, info: ModelInfo | null): void {
  if (!params) return;
  const limit = info?.maxOutputTokens ?? null;
  if (params.maxTokens !== undefined && limit !== null && params.maxTokens > limit) {
    throw new AppError('VALIDATION', `params.maxTokens: ${info!.name} writes at most ${limit} tokens per answer; ${params.maxTokens} was asked.`, {
      field: 'params.maxTokens',
      max: limit,
    });
  }
  const maxT = maxTemperature(provider);
  if (params.temperature !== undefined && params.temperature > maxT) {
    throw new AppError('VALIDATION', `params.temperature: ${providerSpec(provider).name} accepts 0 to ${maxT}; ${params.temperature} was asked.`, {
      field: 'params.temperature',
      max: maxT,
    });
  }
}

function withHint(error: AppError): AppError {
  if (error.code === 'KEY_NOT_FOUND' && typeof error.details?.hint !== 'string') {
    return new AppError(error.code, error.message, { ...error.details, hint: 'The key was deleted or never existed. Pick another model for this conversation, or add the key again in Settings.' });
  }
  return error;
}
