import {
  AppError,
  type ChatMessage,
  type EventName,
  type EventPayload,
  type Limits,
  type LocalLimitScope,
  type LimitState,
  type ProviderId,
  type Usage,
  type UsageRecord,
} from '../../../shared/contract/index.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';
import { NANO_PER_USD, nanoToUsd, pricingForPrompt, worstCaseNanoUsd } from '../../../shared/cost.js';
import type { Logger } from '../app/logger.js';
import type { AdmitRequest, CallAdmission, Reservation, SettleOutcome } from '../ports.js';
import { uuidv7 } from '../metering/ids.js';
import { toRecord, type Ledger } from '../metering/ledger.js';
import { TokenCounter } from '../metering/token-counter.js';
import type { PromptEstimate } from '../metering/tokenizer.js';
import { zone, type Zone } from '../metering/time-zone.js';
import type { LimitsStore } from './limits-store.js';

export interface AdmissionOptions {
  ledger: Ledger;
  limits: LimitsStore;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Counts prompt tokens off the main thread; by default one of its own, closed with this admission. */
  tokens?: TokenCounter;
}

/** A call admitted and not settled yet, as limits count it. */
interface OpenCall {
  id: string;
  time: number;
  provider: ProviderId;
  keyId: string | null;
  sessionId: string;
  tokens: number;
  /** Worst-case nano-USD, 0 when the price is unknown. */
  nano: number;
}

/**
 * The outcome of a call cut off by an exit (a crash, or the app closing while it ran): its estimated
 * prompt as input, no output, marked estimated.
 */
function interrupted(promptEstimate: number) {
  return {
    status: 'interrupted',
    usage: { inputTokens: promptEstimate, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: true },
    errorCode: 'INTERRUPTED',
    latencyMs: null,
    ttftMs: null,
  } satisfies SettleOutcome;
}

/** Settled use inside the current day and month of the limits time zone. */
interface Window {
  zone: Zone;
  dayStart: number;
  dayEnd: number;
  monthStart: number;
  monthEnd: number;
  dayTokensByProvider: Map<string, number>;
  dayTokensByKey: Map<string, number>;
  monthNanoTotal: number;
  monthNanoByProvider: Map<string, number>;
}

interface Check {
  scope: LocalLimitScope;
  subject: string | null;
  unit: 'tokens' | 'usd';
  /** In tokens, or nano-USD for usd limits. */
  limit: number;
  settled: number;
  reserved: number;
  resetsAt: number | null;
}

const WARN_AT = 0.8;
const SESSION_CACHE = 5000;

/**
 * Metering and limits behind the router's CallAdmission port.
 *
 * admit() checks every applicable limit against settled use plus open reservations and writes the
 * reservation row in one synchronous step: there is no await between check and insert, and Node
 * runs one such step at a time, so N concurrent calls can never pass a limit together.
 *
 * Unknown prices and USD caps: a call whose price is unknown reserves tokens but no USD, so a USD
 * cap could not be guaranteed for it. Such a call is refused when a USD cap (monthly total,
 * monthly for its provider, or the session budget) applies, with an error that says how to fix it
 * (set the model's price, 0 for a free local model, or remove the cap). With no USD cap it runs and
 * its cost is recorded as unknown. Refusing is the safe side: a cap the user set is never silently
 * exceeded by a model we cannot price.
 */
export class MeteringAdmission implements CallAdmission {
  private readonly ledger: Ledger;
  private readonly limits: LimitsStore;
  private readonly emit: AdmissionOptions['emit'];
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly newId: () => string;
  readonly tokens: TokenCounter;
  private readonly ownsTokens: boolean;
  private readonly open = new Map<string, OpenCall>();
  private readonly sessions = new Map<string, number>();
  private readonly emitted = new Map<string, 'warning' | 'exceeded'>();
  /** Records of calls settled by close() while the router still held them. */
  private readonly closedRecords = new Map<string, UsageRecord>();
  private window: Window | null = null;
  private closed = false;

  constructor(options: AdmissionOptions) {
    this.ledger = options.ledger;
    this.limits = options.limits;
    this.emit = options.emit;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? (() => uuidv7(this.now()));
    this.ownsTokens = !options.tokens;
    this.tokens = options.tokens ?? new TokenCounter({ logger: options.logger });
    this.ledger.ensureDayRollup(this.limits.get().timeZone);
  }

  /**
   * Settles the reservations a crash left behind as `interrupted`, with their estimated prompt as
   * input and no output, marked estimated. They are never dropped. Returns how many.
   */
  recoverInterrupted(): number {
    const rows = this.ledger.openReservations();
    for (const row of rows) {
      this.ledger.settle(row.id, { ...interrupted(row.prompt_estimate), settledAt: this.now() });
    }
    if (rows.length > 0) {
      this.logger.warn('settled calls left running by an earlier exit as interrupted', { count: rows.length });
      this.window = null;
      this.sessions.clear();
    }
    return rows.length;
  }

  /** Asynchronous so the tokenizer can run in a worker; the router awaits it before the synchronous admit(). */
  estimatePromptTokens(messages: ChatMessage[], provider: ProviderId, model: string): Promise<PromptEstimate> {
    return this.tokens.estimate(messages, provider, model);
  }

  /**
   * Everything from the checks to the insert runs before this async function's first await (it
   * has none), so it stays one uninterrupted step of the event loop.
   */
  async admit(request: AdmitRequest): Promise<Reservation> {
    if (this.closed) throw new AppError('INTERNAL', 'Switchboard is shutting down; the call was not started.');
    const promptTokens = wholeTokens(request.promptTokens, 'promptTokens');
    const maxOutputTokens = wholeTokens(request.maxOutputTokens, 'maxOutputTokens');
    const now = this.now();
    const limits = this.limits.get();
    const win = this.currentWindow(now, limits.timeZone);

    // Tiers belong to a price: an unknown price has none to keep.
    const tiers = request.pricing ? (request.pricingTiers ?? null) : null;
    const nano = worstCaseNanoUsd(promptTokens, maxOutputTokens, pricingForPrompt(request.pricing, request.pricingTiers, promptTokens));
    const tokens = promptTokens + maxOutputTokens;
    const agent = request.agent && request.agent.trim() !== '' ? request.agent : null;
    // An empty key id is no key, as the ledger's day totals count it.
    const keyId = request.keyId === '' ? null : request.keyId;

    // ---- check (synchronous from here to the insert) ----
    const checks = this.checksFor(limits, win, request.provider, keyId, request.sessionId);
    for (const c of checks) {
      if (c.unit === 'usd' && nano === null) this.refuseUnknownPrice(c, request, win);
      const need = c.unit === 'tokens' ? tokens : nano!;
      if (c.settled + c.reserved + need > c.limit) this.refuse(c, need, win);
    }

    const id = this.newId();
    try {
      this.ledger.insertReservation({
        id,
        time: now,
        sessionId: request.sessionId,
        agent,
        provider: request.provider,
        model: request.model,
        keyId,
        source: request.source,
        promptEstimate: promptTokens,
        maxOutputTokens,
        reservedTokens: tokens,
        reservedNano: nano,
        pricing: request.pricing,
        tiers,
        attempt: request.attempt,
        kind: request.kind,
        retryOf: request.retryOf,
        fallbackOf: request.fallbackOf,
        powerLevel: request.powerLevel ?? null,
        step: request.step ?? null,
        replacedKeyId: request.replacedKeyId,
      });
    } catch (err) {
      // No ledger row, no provider request: an unmetered call would escape every limit.
      this.logger.error('the usage ledger could not record a call', { err });
      throw new AppError('INTERNAL', 'The usage ledger could not record this call (is the disk full?), so it was not sent. Nothing was charged.');
    }
    // ---- end of the synchronous step ----

    const call: OpenCall = { id, time: now, provider: request.provider, keyId, sessionId: request.sessionId, tokens, nano: nano ?? 0 };
    this.open.set(id, call);
    this.notify(this.checksFor(limits, win, request.provider, keyId, request.sessionId), win);

    let settled: UsageRecord | null = null;
    return {
      id,
      reservedUsd: nano === null ? null : nanoToUsd(nano),
      reservedTokens: tokens,
      settle: async (outcome: SettleOutcome) => {
        if (settled) return settled;
        settled = this.settle(call, outcome);
        return settled;
      },
    };
  }

  private settle(call: OpenCall, outcome: SettleOutcome): UsageRecord {
    const closedRecord = this.closedRecords.get(call.id);
    if (closedRecord) return closedRecord;
    const usage = cleanUsage(outcome.usage);
    let done;
    try {
      done = this.ledger.settle(call.id, {
        status: outcome.status,
        usage,
        errorCode: outcome.errorCode ?? null,
        latencyMs: finiteOrNull(outcome.latencyMs),
        ttftMs: finiteOrNull(outcome.ttftMs),
        settledAt: this.now(),
      });
    } catch (err) {
      // The reservation stays open (here and in the file): limits keep counting its worst case, and
      // the next start settles it as interrupted.
      this.logger.error('the usage ledger could not settle a call', { err, id: call.id });
      throw new AppError('INTERNAL', 'The usage ledger could not record what this call used; its worst case stays counted against your limits.');
    }
    this.open.delete(call.id);
    if (!done) {
      this.logger.warn('a call was settled twice; the first settlement stands', { id: call.id });
      const row = this.ledger.get(call.id);
      if (!row) throw new AppError('INTERNAL', 'A metered call disappeared from the ledger.');
      return toRecord(row);
    }
    const win = this.window;
    if (win && win.zone.name === this.limits.get().timeZone) {
      if (call.time >= win.dayStart && call.time < win.dayEnd) {
        bump(win.dayTokensByProvider, call.provider, done.tokens);
        if (call.keyId) bump(win.dayTokensByKey, call.keyId, done.tokens);
      }
      if (call.time >= win.monthStart && call.time < win.monthEnd) {
        win.monthNanoTotal += done.capNano;
        bump(win.monthNanoByProvider, call.provider, done.capNano);
      }
    }
    const session = this.sessions.get(call.sessionId);
    if (session !== undefined) this.sessions.set(call.sessionId, session + done.capNano);
    this.emit('usage.recorded', { record: done.record });
    const limits = this.limits.get();
    const now = this.now();
    this.notify(this.checksFor(limits, this.currentWindow(now, limits.timeZone), call.provider, call.keyId, call.sessionId), this.window!);
    return done.record;
  }

  // ---- limits ------------------------------------------------------------------------------------

  getLimits(): Limits {
    return this.limits.get();
  }

  /** Current state of every configured limit (and the session budget of `sessionId`, when given). */
  states(sessionId?: string): LimitState[] {
    const limits = this.limits.get();
    const win = this.currentWindow(this.now(), limits.timeZone);
    const out: LimitState[] = [];
    for (const [provider, limit] of Object.entries(limits.dailyTokens.provider)) {
      out.push(this.stateOf(this.dayCheck(win, 'dailyTokens.provider', provider, limit), 0));
    }
    for (const [key, limit] of Object.entries(limits.dailyTokens.key)) {
      out.push(this.stateOf(this.dayCheck(win, 'dailyTokens.key', key, limit), 0));
    }
    if (limits.monthlyUsd.total !== null) out.push(this.stateOf(this.monthCheck(win, null, limits.monthlyUsd.total), 0));
    for (const [provider, limit] of Object.entries(limits.monthlyUsd.provider)) {
      out.push(this.stateOf(this.monthCheck(win, provider, limit), 0));
    }
    if (sessionId !== undefined && limits.sessionUsd !== null) out.push(this.stateOf(this.sessionCheck(sessionId, limits.sessionUsd), 0));
    return out;
  }

  setLimits(patch: Parameters<LimitsStore['set']>[0]): Limits {
    const before = this.limits.get().timeZone;
    const next = this.limits.set(patch);
    if (next.timeZone !== before) {
      this.ledger.ensureDayRollup(next.timeZone);
      this.window = null;
    }
    // New limits, new warnings: a banner must reappear if a changed limit is reached again.
    this.emitted.clear();
    return next;
  }

  /** Settles running calls as interrupted (the app is closing) so nothing is left reserved. */
  close(): void {
    if (this.closed) return;
    for (const call of [...this.open.values()]) {
      const row = this.ledger.get(call.id);
      const record = this.settle(call, interrupted(row?.prompt_estimate ?? 0));
      this.closedRecords.set(call.id, record);
    }
    this.closed = true;
    if (this.ownsTokens) void this.tokens.close();
  }

  private currentWindow(now: number, timeZone: string): Window {
    const w = this.window;
    if (w && w.zone.name === timeZone && now >= w.dayStart && now < w.dayEnd && now >= w.monthStart && now < w.monthEnd) return w;
    if (this.ledger.timeZone !== timeZone) this.ledger.ensureDayRollup(timeZone);
    const z = zone(timeZone);
    const day = z.dayWindow(now);
    const month = z.monthWindow(now);
    const next: Window = {
      zone: z,
      dayStart: day.start,
      dayEnd: day.end,
      monthStart: month.start,
      monthEnd: month.end,
      dayTokensByProvider: new Map(),
      dayTokensByKey: new Map(),
      monthNanoTotal: 0,
      monthNanoByProvider: new Map(),
    };
    for (const r of this.ledger.dayTokens(day.dayIndex)) {
      bump(next.dayTokensByProvider, r.provider, r.tokens);
      if (r.keyId !== null) bump(next.dayTokensByKey, r.keyId, r.tokens);
    }
    for (const r of this.ledger.monthCapNano(z.dayIndex(month.start), z.dayIndex(month.end))) {
      next.monthNanoTotal += r.nano;
      bump(next.monthNanoByProvider, r.provider, r.nano);
    }
    this.window = next;
    return next;
  }

  private checksFor(limits: Limits, win: Window, provider: ProviderId, keyId: string | null, sessionId: string): Check[] {
    const checks: Check[] = [];
    const dp = limits.dailyTokens.provider[provider];
    if (dp !== undefined) checks.push(this.dayCheck(win, 'dailyTokens.provider', provider, dp));
    const dk = keyId ? limits.dailyTokens.key[keyId] : undefined;
    if (dk !== undefined && keyId) checks.push(this.dayCheck(win, 'dailyTokens.key', keyId, dk));
    if (limits.monthlyUsd.total !== null) checks.push(this.monthCheck(win, null, limits.monthlyUsd.total));
    const mp = limits.monthlyUsd.provider[provider];
    if (mp !== undefined) checks.push(this.monthCheck(win, provider, mp));
    if (limits.sessionUsd !== null) checks.push(this.sessionCheck(sessionId, limits.sessionUsd));
    return checks;
  }

  private dayCheck(win: Window, scope: 'dailyTokens.provider' | 'dailyTokens.key', subject: string, limit: number): Check {
    let reserved = 0;
    for (const c of this.open.values()) {
      if (c.time < win.dayStart || c.time >= win.dayEnd) continue;
      if (scope === 'dailyTokens.provider' ? c.provider === subject : c.keyId === subject) reserved += c.tokens;
    }
    const settled = (scope === 'dailyTokens.provider' ? win.dayTokensByProvider : win.dayTokensByKey).get(subject) ?? 0;
    return { scope, subject, unit: 'tokens', limit, settled, reserved, resetsAt: win.dayEnd };
  }

  private monthCheck(win: Window, provider: string | null, limitUsd: number): Check {
    let reserved = 0;
    for (const c of this.open.values()) {
      if (c.time < win.monthStart || c.time >= win.monthEnd) continue;
      if (provider === null || c.provider === provider) reserved += c.nano;
    }
    const settled = provider === null ? win.monthNanoTotal : (win.monthNanoByProvider.get(provider) ?? 0);
    return {
      scope: provider === null ? 'monthlyUsd.total' : 'monthlyUsd.provider',
      subject: provider,
      unit: 'usd',
      limit: Math.round(limitUsd * NANO_PER_USD),
      settled,
      reserved,
      resetsAt: win.monthEnd,
    };
  }

  private sessionCheck(sessionId: string, limitUsd: number): Check {
    let settled = this.sessions.get(sessionId);
    if (settled === undefined) {
      settled = this.ledger.sessionCapNano(sessionId);
      if (this.sessions.size >= SESSION_CACHE) this.sessions.delete(this.sessions.keys().next().value!);
      this.sessions.set(sessionId, settled);
    }
    let reserved = 0;
    for (const c of this.open.values()) if (c.sessionId === sessionId) reserved += c.nano;
    return { scope: 'sessionUsd', subject: sessionId, unit: 'usd', limit: Math.round(limitUsd * NANO_PER_USD), settled, reserved, resetsAt: null };
  }

  private stateOf(c: Check, extra: number): LimitState {
    const usedRaw = c.settled + c.reserved;
    const fraction = c.limit > 0 ? (usedRaw + extra) / c.limit : 1;
    const conv = (n: number) => (c.unit === 'usd' ? nanoToUsd(n) : n);
    return {
      scope: c.scope,
      subject: c.subject,
      unit: c.unit,
      limit: conv(c.limit),
      used: conv(usedRaw),
      reserved: conv(c.reserved),
      fraction,
      resetsAt: c.resetsAt,
      level: fraction >= 1 ? 'exceeded' : fraction >= WARN_AT ? 'warning' : 'ok',
    };
  }

  private windowKey(c: Check, win: Window): string {
    const start = c.scope.startsWith('daily') ? win.dayStart : c.scope.startsWith('monthly') ? win.monthStart : 0;
    return `${c.scope}|${c.subject ?? ''}|${start}`;
  }

  /** limits.warning at 80 %, limits.exceeded at 100 %: once per limit and window, when the level rises. */
  private notify(checks: Check[], win: Window): void {
    for (const c of checks) {
      const state = this.stateOf(c, 0);
      if (state.level === 'ok') continue;
      this.emitLevel(this.windowKey(c, win), state);
    }
  }

  private emitLevel(key: string, state: LimitState): void {
    const level = state.level === 'exceeded' ? 'exceeded' : 'warning';
    const prev = this.emitted.get(key);
    if (prev === 'exceeded' || prev === level) return;
    this.emitted.set(key, level);
    if (level === 'exceeded') this.emit('limits.exceeded', { state });
    else this.emit('limits.warning', { state });
  }

  private refuse(c: Check, need: number, win: Window): never {
    const state = this.stateOf(c, need);
    this.emitLevel(this.windowKey(c, win), { ...state, level: 'exceeded' });
    const fmt = (n: number) => (c.unit === 'usd' ? `$${nanoToUsd(n).toFixed(n < 10 * NANO_PER_USD ? 4 : 2)}` : `${Math.round(n).toLocaleString('en-US')} tokens`);
    const tz = win.zone.name;
    const resets = c.resetsAt === null ? 'It does not reset: raise the session budget or start a new conversation.' : `It resets at ${formatLocal(win.zone, c.resetsAt)} (${tz}).`;
    const used = c.settled + c.reserved;
    const message =
      `${describeLimit(c)} reached: ${fmt(used)} of ${fmt(c.limit)} used` +
      `${c.reserved > 0 ? ` (${fmt(c.reserved)} reserved by running calls)` : ''}, and this call could use up to ${fmt(need)} more. ${resets}` +
      // The reservation is the worst case: with room left, a smaller answer would fit.
      (used < c.limit ? ' A lower max tokens setting for the answer reserves less.' : '');
    throw new AppError('LIMIT_EXCEEDED', message, {
      scope: c.scope,
      subject: c.subject,
      unit: c.unit,
      used: c.unit === 'usd' ? nanoToUsd(used) : used,
      reserved: c.unit === 'usd' ? nanoToUsd(c.reserved) : c.reserved,
      requested: c.unit === 'usd' ? nanoToUsd(need) : need,
      limit: c.unit === 'usd' ? nanoToUsd(c.limit) : c.limit,
      resetsAt: c.resetsAt,
      timeZone: tz,
    });
  }

  private refuseUnknownPrice(c: Check, request: AdmitRequest, win: Window): never {
    const used = c.settled + c.reserved;
    throw new AppError(
      'LIMIT_EXCEEDED',
      `${describeLimit(c)} ($${nanoToUsd(c.limit).toFixed(2)}) cannot be guaranteed for ${request.model}: its price is unknown. ` +
        `Set its price on the Models page (0 for a free local model) or remove the limit.`,
      {
        scope: c.scope,
        subject: c.subject,
        unit: c.unit,
        reason: 'price-unknown',
        provider: request.provider,
        model: request.model,
        used: nanoToUsd(used),
        limit: nanoToUsd(c.limit),
        resetsAt: c.resetsAt,
        timeZone: win.zone.name,
      },
    );
  }
}

function describeLimit(c: Check): string {
  const providerName = (id: string | null) => (id && id in PROVIDERS ? PROVIDERS[id as ProviderId].name : (id ?? ''));
  switch (c.scope) {
    case 'dailyTokens.provider':
      return `The daily token limit for ${providerName(c.subject)}`;
    case 'dailyTokens.key':
      return `The daily token limit for key ${c.subject}`;
    case 'monthlyUsd.total':
      return 'The monthly spending cap';
    case 'monthlyUsd.provider':
      return `The monthly spending cap for ${providerName(c.subject)}`;
    case 'sessionUsd':
      return 'The budget of this conversation';
  }
}

function formatLocal(z: Zone, t: number): string {
  const local = new Date(t + z.offsetAt(t)).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function wholeTokens(n: number, field: string): number {
  if (!Number.isFinite(n) || n < 0) throw new AppError('INTERNAL', `admit: ${field} must be a non-negative number of tokens`);
  return Math.ceil(n);
}

function finiteOrNull(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/** Provider-reported usage can be odd (negative, fractional, missing): never let it break a settle. */
export function cleanUsage(u: Usage): Usage {
  const t = (n: number) => (Number.isFinite(n) && n > 0 ? Math.round(n) : 0);
  const output = t(u.outputTokens);
  return {
    inputTokens: t(u.inputTokens),
    cacheReadTokens: t(u.cacheReadTokens),
    cacheWriteTokens: t(u.cacheWriteTokens),
    outputTokens: output,
    reasoningTokens: Math.min(t(u.reasoningTokens), output),
    estimated: u.estimated === true,
  };
}
