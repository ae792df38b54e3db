import { AppError, ZERO_USAGE, type Usage, type UsageRecord } from '../../../shared/contract/index.js';
import { PriceSnapshot } from '../../../shared/pricing/index.js';
import { maxTemperature } from '../../../shared/providers/registry.js';
import type { Reservation, ResolvedKey } from '../ports.js';
import type { AdapterRequest } from '../providers/adapters/types.js';
import { maxTokensFor } from './output-allowance.js';
import { firstTokenLimitMs, internalError, pushAttempt, type RouterRuntime } from './runtime.js';
import { streamAttempt, type StreamResult } from './stream-attempt.js';
import { type AttemptOutcome, type CallLink, type Entry, type PromptCount, type ResolvedEntry, type TurnState, TurnEnd } from './turn.js';
import { promptCountFor, tokenizedUsage } from './usage-estimate.js';

/** The request one attempt sends, and what is known of its prompt's tokens. */
interface AttemptPlan {
  areq: AdapterRequest;
  prompt: PromptCount;
  prices: PriceSnapshot;
}

/** One provider request: plan, admit, stream, settle exactly once, report. A limit's refusal is reported as a refused attempt. */
export async function attemptOnce(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, link: CallLink): Promise<AttemptOutcome> {
  const plan = await planAttempt(rt, state, entry, resolved);
  const reservation = await admitAttempt(rt, state, resolved, key, plan, link);
  if (reservation instanceof AppError) return refusedAttempt(rt, state, entry, resolved, key, link, reservation);
  const firstTokenMs = firstTokenLimitMs(rt, resolved.provider);
  announceAttempt(rt, state, entry, resolved, key, link, firstTokenMs);
  const streamed = await streamAttempt(rt, state, key, plan.areq, firstTokenMs);
  const metered = await meterAttempt(rt, resolved, plan, reservation, streamed);
  reportAttempt(rt, state, entry, resolved, key, link, streamed);
  const ok = streamed.failure === null;
  // The tool loop (tool-loop.ts) reads the calls of the attempt that answered its step.
  if (ok && state.loop) state.loop.toolCalls = streamed.toolCalls;
  return {
    ok,
    failure: streamed.failure,
    refusal: null,
    callId: reservation.id,
    text: streamed.text,
    usage: metered.usage,
    record: metered.record,
    prices: plan.prices,
    reportedCostUsd: streamed.reportedCostUsd,
    finishReason: streamed.finishReason,
    servedModel: streamed.servedModel,
  };
}

async function planAttempt(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry): Promise<AttemptPlan> {
  const { req } = state;
  const { provider, model, info } = resolved;
  const maxTokens = maxTokensFor(req.params, info, entry.chainIndex === 0);
  const temperature = req.params?.temperature === undefined ? undefined : Math.min(req.params.temperature, maxTemperature(provider));
  const prompt = await promptCountFor(rt, state, provider, model);
  const areq: AdapterRequest = {
    provider,
    model,
    messages: state.loop?.messages ?? req.messages,
    maxTokens,
    stream: state.stream,
    ...(state.loop && state.loop.tools.length > 0 ? { tools: state.loop.tools } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  };
  return { areq, prompt, prices: PriceSnapshot.of(info ? { ...info, provider, id: model } : null) };
}

/**
 * What the attempt reserves for its prompt: the provider's count once known, else the upper bound
 * of what is sent (countableMessages writes a loop step's tool calls, results and definitions out
 * as text, so the bound covers them byte for byte).
 */
function reservedPrompt(plan: AttemptPlan): { estimate: number; bound: number } {
  const { prompt } = plan;
  if (prompt.exact !== null) return { estimate: prompt.exact, bound: prompt.exact };
  return { estimate: prompt.tokens, bound: prompt.upperBound };
}

/** The provider's count of the prompt, kept for the turn's retries; absent where the provider has no count endpoint. */
function promptCounter(rt: RouterRuntime, state: TurnState, key: ResolvedKey, plan: AttemptPlan): ((signal: AbortSignal) => Promise<number | null>) | undefined {
  const adapter = rt.deps.adapters(key);
  if (!adapter.countTokens) return undefined;
  return async (signal) => {
    const n = await adapter.countTokens!(plan.areq, AbortSignal.any([signal, state.turn.signal]));
    plan.prompt.exact = n;
    return n;
  };
}

/**
 * Reserves the attempt's worst case against every limit. A limit's refusal (no provider request) is
 * returned for the chain to decide on; any other failure to admit ends the turn.
 */
async function admitAttempt(rt: RouterRuntime, state: TurnState, resolved: ResolvedEntry, key: ResolvedKey, plan: AttemptPlan, link: CallLink): Promise<Reservation | AppError> {
  const { req } = state;
  const prompt = reservedPrompt(plan);
  const countPromptTokens = prompt.estimate < prompt.bound ? promptCounter(rt, state, key, plan) : undefined;
  let reservation: Reservation;
  try {
    reservation = await rt.deps.admission.admit({
      sessionId: req.sessionId,
      agent: req.agent ?? null,
      provider: resolved.provider,
      model: resolved.model,
      keyId: key.id,
      source: key.source,
      promptTokens: prompt.estimate,
      promptUpperBound: prompt.bound,
      ...(countPromptTokens ? { countPromptTokens } : {}),
      maxOutputTokens: plan.areq.maxTokens,
      pricing: resolved.info?.pricing ?? null,
      pricingTiers: resolved.info?.pricingTiers,
      ...link,
      powerLevel: state.powerLevel ?? null,
      step: state.loop?.step ?? null,
    });
  } catch (err) {
    const error = err instanceof AppError ? err : internalError(rt, err);
    if (error.code === 'LIMIT_EXCEEDED') return error;
    throw new TurnEnd(new AppError(error.code, error.message, { ...error.details, attempts: state.attempts, partialText: '' }));
  }
  state.prevRecordId = reservation.id;
  return reservation;
}

/**
 * Settles the reservation with what to meter: the provider's own figures when it sent them;
 * otherwise an estimate whenever the provider may have billed (it accepted the request, or we
 * stopped it), else nothing.
 */
async function meterAttempt(
  rt: RouterRuntime,
  resolved: ResolvedEntry,
  plan: AttemptPlan,
  reservation: Reservation,
  streamed: StreamResult,
): Promise<{ usage: Usage; record: UsageRecord | null }> {
  const { provider, model } = resolved;
  const { failure, text, usage: reported } = streamed;
  const ok = failure === null;
  const cancelled = isCancel(streamed);
  const promptTokens = plan.prompt.exact ?? plan.prompt.tokens;
  let usage: Usage;
  if (ok) usage = reported ?? (await tokenizedUsage(rt, promptTokens, text, provider, model, null));
  else if (streamed.opened || cancelled || text.length > 0) usage = await tokenizedUsage(rt, promptTokens, text, provider, model, reported);
  else usage = reported ?? ZERO_USAGE;
  const status = ok ? 'ok' : cancelled ? 'cancelled' : text.length > 0 ? 'interrupted' : 'error';

  let record: UsageRecord | null = null;
  try {
    record = await reservation.settle({
      status,
      usage,
      errorCode: failure?.code ?? null,
      latencyMs: streamed.latencyMs,
      ttftMs: streamed.ttftMs,
      // A reported cost belongs to the usage it came with: one we estimated ourselves is priced instead.
      reportedCostUsd: usage === reported ? streamed.reportedCostUsd : null,
    });
  } catch (err) {
    rt.deps.logger.error('settling a ledger reservation failed', { provider, model, err });
  }
  return { usage, record };
}

/** A limit refused the request before it was sent: no ledger row, no health record, one refused attempt with the limit's words. */
function refusedAttempt(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, link: CallLink, refusal: AppError): AttemptOutcome {
  pushAttempt(rt, state, {
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    status: 'refused',
    errorCode: refusal.code,
    errorMessage: refusal.message,
    chainIndex: entry.chainIndex,
    attempt: link.attempt,
    kind: link.kind,
  });
  const hint = typeof refusal.details?.hint === 'string' ? { hint: refusal.details.hint } : {};
  return {
    ok: false,
    failure: { code: refusal.code, message: refusal.message, status: null, retryable: false, retryAfterMs: null, ...hint },
    refusal,
    callId: null,
    text: '',
    usage: ZERO_USAGE,
    record: null,
    prices: PriceSnapshot.of(null),
    reportedCostUsd: null,
    finishReason: null,
    servedModel: null,
  };
}

/** A streamed turn tells the renderer who it waits for, for how long at most, and what a skip would try. */
function announceAttempt(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, link: CallLink, firstTokenMs: number): void {
  if (!state.stream) return;
  rt.deps.emit('chat.waiting', {
    streamId: state.turn.streamId,
    sessionId: state.req.sessionId,
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    chainIndex: entry.chainIndex,
    attempt: link.attempt,
    kind: link.kind,
    firstTokenTimeoutMs: firstTokenMs,
    skipTo: state.turn.skipTo,
  });
}

/** Health, the key's "last used", and the attempt line the user sees. */
function reportAttempt(rt: RouterRuntime, state: TurnState, entry: Entry, resolved: ResolvedEntry, key: ResolvedKey, link: CallLink, streamed: StreamResult): void {
  const { failure, latencyMs, ttftMs } = streamed;
  const ok = failure === null;
  rt.health.record({ provider: resolved.provider, keyId: key.id, ok, ...(ok ? {} : { errorCode: failure.code }), latencyMs, ttftMs });
  try {
    rt.deps.keys.noteUsed(key.id, ok ? { ok: true } : { ok: false, code: failure.code });
  } catch (err) {
    rt.deps.logger.warn('noteUsed failed', { err });
  }
  pushAttempt(rt, state, {
    provider: resolved.provider,
    model: resolved.model,
    keyId: key.id,
    status: ok ? 'ok' : isCancel(streamed) ? 'cancelled' : 'error',
    ...(ok ? {} : { errorCode: failure.code, errorMessage: failure.message }),
    chainIndex: entry.chainIndex,
    attempt: link.attempt,
    kind: link.kind,
    latencyMs,
  });
}

/** Stopped by the user (a cancel, a skip) or by the session's end: metered as cancelled. */
function isCancel(streamed: StreamResult): boolean {
  const code = streamed.failure?.code;
  return code === 'CANCELLED' || code === 'SESSION_ENDED' || code === 'SKIPPED_BY_USER';
}
