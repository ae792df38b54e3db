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
import { NANO_PER_USD, nanoToUsd, PriceSnapshot } from '../../../shared/pricing/index.js';
import type { Logger } from '../app/logger.js';
import type { AdmitRequest, CallAdmission, Reservation, SettleOutcome } from '../ports.js';
import { uuidv7 } from '../metering/ids.js';
import { toRecord, type CallRow, type Ledger, type OvershootRow } from '../metering/ledger.js';
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
  /** How long a provider's count of a prompt may take before the call is refused instead (default 5 s). */
  countTimeoutMs?: number;
}

const DEFAULT_COUNT_TIMEOUT_MS = 5_000;

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
 * The outcome of a call cut off by an exit (a crash, or the app closing while it ran): the provider
 * may have had the request and answered it in full, so it counts at its reservation, the worst case
 * it could have cost (its reserved prompt as input, every allowed output token), marked estimated.
 * A crash can then never leave a limit under-counted.
 */
function interrupted(row: Pick<CallRow, 'reserved_tokens' | 'max_output_tokens'> | null) {
  const output = row ? Math.min(row.max_output_tokens, row.reserved_tokens) : 0;
  const input = row ? row.reserved_tokens - output : 0;
  return {
    status: 'interrupted',
    usage: { inputTokens: input, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0, estimated: true },
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
  /** Calls of this day and month that went beyond their reservations (few: usually none). */
  overshoots: OvershootRow[];
}

/** Where changes of limits are remembered: a limit changed after an overshoot is open again (see setLimits). */
const REOPENED_KV = 'limits_reopened';

interface Check {
  scope: LocalLimitScope;
  subject: string | null;
  unit: 'tokens' | 'usd';
  /** In tokens, or nano-USD for usd limits. */
  limit: number;
  settled: number;
  reserved: number;
  resetsAt: number | null;
  /** How far calls in the window went beyond their reservations; > 0 closes the limit until it resets. */
  overshoot: number;
}

/** A check-and-reserve that did not fit: the first limit that refused, with what the call needed. */
interface NoRoom {
  check: Check;
  need: number;
  win: Window;
  /** The same call reserved at its estimate instead of its bound would have fitted every limit. */
  estimateFits: boolean;
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
  /** A session's calls that went beyond their reservations in USD (loaded with `sessions`). */
  private readonly sessionOvershoot = new Map<string, Array<{ settledAt: number; nano: number }>>();
  /** When each limit ('<scope>|<subject>', sessions 'sessionUsd|') was last changed: overshoots settled before that no longer close it. */
  private readonly reopened: Map<string, number>;
  private readonly countTimeoutMs: number;
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
    this.countTimeoutMs = options.countTimeoutMs ?? DEFAULT_COUNT_TIMEOUT_MS;
    this.reopened = readReopened(this.ledger.kvGet(REOPENED_KV));
    this.ledger.ensureDayRollup(this.limits.get().timeZone);
  }

  /**
   * Settles the reservations a crash left behind as `interrupted`, at their reservation (the worst
   * case they could have cost), marked estimated. They are never dropped. Returns how many.
   */
  recoverInterrupted(): number {
    const rows = this.ledger.openReservations();
    for (const row of rows) {
      this.ledger.settle(row.id, { ...interrupted(row), settledAt: this.now() });
    }
    if (rows.length > 0) {
      this.logger.warn('settled calls left running by an earlier exit as interrupted, at their reservations', { count: rows.length });
      this.window = null;
      this.sessions.clear();
      this.sessionOvershoot.clear();
    }
    return rows.length;
  }

  /** Asynchronous so the tokenizer can run in a worker; the router awaits it before the synchronous admit(). */
  estimatePromptTokens(messages: ChatMessage[], provider: ProviderId, model: string): Promise<PromptEstimate> {
    return this.tokens.estimate(messages, provider, model);
  }

  /**
   * Reserves the call's worst case: its prompt's upper bound plus every allowed output token. Each
   * check-and-insert (tryReserve) is synchronous, one uninterrupted step of the event loop. When the
   * bound does not fit but the estimate would, the provider's own count is awaited (between two
   * such steps, never inside one) and the call is decided on that count.
   */
  async admit(request: AdmitRequest): Promise<Reservation> {
    if (this.closed) throw new AppError('INTERNAL', 'Switchboard is shutting down; the call was not started.');
    const estimate = wholeTokens(request.promptTokens, 'promptTokens');
    const bound = Math.max(estimate, wholeTokens(request.promptUpperBound ?? estimate, 'promptUpperBound'));
    const maxOutputTokens = wholeTokens(request.maxOutputTokens, 'maxOutputTokens');
    const prices = PriceSnapshot.of({ provider: request.provider, id: request.model, pricing: request.pricing, pricingTiers: request.pricingTiers });

    const first = this.tryReserve(request, prices, estimate, bound, maxOutputTokens);
    if (!isNoRoom(first)) return first;
    // Even the estimate does not fit: no count can help. Refused with what the estimate needs.
    if (bound === estimate || !first.estimateFits) throw this.refusal(this.tryReserveAt(request, prices, estimate, maxOutputTokens, first));

    const counted = await this.countPrompt(request);
    if (counted === null) throw this.uncountedRefusal(first, bound);
    const second = this.tryReserve(request, prices, estimate, counted, maxOutputTokens);
    if (isNoRoom(second)) throw this.refusal(second);
    return second;
  }

  /** The refusal of the estimate (what an estimate-sized call would have hit), else the bound's. */
  private tryReserveAt(request: AdmitRequest, prices: PriceSnapshot, estimate: number, maxOutputTokens: number, fallback: NoRoom): NoRoom {
    const limits = this.limits.get();
    const win = this.currentWindow(this.now(), limits.timeZone);
    const keyId = request.keyId === '' ? null : request.keyId;
    const tokens = estimate + maxOutputTokens;
    const nano = prices.reserveNano(estimate, maxOutputTokens);
    for (const c of this.checksFor(limits, win, request.provider, keyId, request.sessionId)) {
      const need = c.unit === 'tokens' ? tokens : (nano ?? 0);
      if (c.settled + c.reserved + need > c.limit) return { check: c, need, win, estimateFits: false };
    }
    return fallback;
  }

  /** The provider's count of the prompt, or null when it has none, fails or is slow. */
  private async countPrompt(request: AdmitRequest): Promise<number | null> {
    if (!request.countPromptTokens) return null;
    const ctl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => {
        ctl.abort(new Error('count timed out'));
        resolve(null);
      }, this.countTimeoutMs);
    });
    try {
      const n = await Promise.race([request.countPromptTokens(ctl.signal), timeout]);
      return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.ceil(n) : null;
    } catch (err) {
      this.logger.warn('the provider could not count a prompt; the call is decided on its upper bound', { provider: request.provider, model: request.model, err });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Checks every limit with the call reserved at `promptTokens` (its bound, or the provider's count)
   * and, when all have room, writes the reservation: synchronous from the first check to the insert.
   */
  private tryReserve(request: AdmitRequest, prices: PriceSnapshot, estimate: number, promptTokens: number, maxOutputTokens: number): Reservation | NoRoom {
    const now = this.now();
    const limits = this.limits.get();
    const win = this.currentWindow(now, limits.timeZone);

    const nano = prices.reserveNano(promptTokens, maxOutputTokens);
    const tokens = promptTokens + maxOutputTokens;
    const agent = request.agent && request.agent.trim() !== '' ? request.agent : null;
    // An empty key id is no key, as the ledger's day totals count it.
    const keyId = request.keyId === '' ? null : request.keyId;

    // ---- check (synchronous from here to the insert) ----
    const checks = this.checksFor(limits, win, request.provider, keyId, request.sessionId);
    let noRoom: NoRoom | null = null;
    for (const c of checks) {
      if (c.unit === 'usd' && nano === null) this.refuseUnknownPrice(c, request, win);
      if (c.overshoot > 0) this.refuseOvershoot(c, win);
      const need = c.unit === 'tokens' ? tokens : nano!;
      if (!noRoom && c.settled + c.reserved + need > c.limit) noRoom = { check: c, need, win, estimateFits: true };
    }
    if (noRoom) {
      const estTokens = estimate + maxOutputTokens;
      const estNano = prices.reserveNano(estimate, maxOutputTokens) ?? 0;
      noRoom.estimateFits = checks.every((c) => c.settled + c.reserved + (c.unit === 'tokens' ? estTokens : estNano) <= c.limit);
      return noRoom;
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
        promptEstimate: estimate,
        maxOutputTokens,
        reservedTokens: tokens,
        reservedNano: nano,
        pricing: request.pricing,
        tiers: request.pricingTiers ?? null,
        prices,
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
        reportedCostUsd: outcome.reportedCostUsd ?? null,
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
      if (done.overshootTokens > 0 || done.overshootNano > 0) {
        const row = { time: call.time, settledAt: done.record.settledAt ?? this.now(), provider: call.provider, keyId: call.keyId, sessionId: call.sessionId };
        win.overshoots.push({ ...row, tokens: done.overshootTokens, nano: done.overshootNano });
      }
      if (call.time >= win.monthStart && call.time < win.monthEnd) {
        win.monthNanoTotal += done.capNano;
        bump(win.monthNanoByProvider, call.provider, done.capNano);
      }
    }
    const session = this.sessions.get(call.sessionId);
    if (session !== undefined) this.sessions.set(call.sessionId, session + done.capNano);
    if (done.overshootNano > 0) this.sessionOvershoot.get(call.sessionId)?.push({ settledAt: done.record.settledAt ?? this.now(), nano: done.overshootNano });
    if (done.overshootTokens > 0 || done.overshootNano > 0) {
      this.logger.warn('a call used more than it reserved; the limits it counts against are closed until they reset', {
        id: call.id,
        provider: call.provider,
        overTokens: done.overshootTokens,
        overUsd: nanoToUsd(done.overshootNano),
      });
    }
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

  /**
   * A limit whose value the user changes is open again even after an overshoot closed it: the
   * user has seen the overshoot and chosen a new limit. Overshoots settled later close it again.
   */
  setLimits(patch: Parameters<LimitsStore['set']>[0]): Limits {
    const old = this.limits.get();
    const before = old.timeZone;
    const next = this.limits.set(patch);
    const changed = changedLimits(old, next);
    if (changed.length > 0) {
      const at = this.now();
      for (const key of changed) this.reopened.set(key, at);
      this.ledger.kvSet(REOPENED_KV, JSON.stringify(Object.fromEntries(this.reopened)));
    }
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
      const record = this.settle(call, interrupted(this.ledger.get(call.id)));
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
      overshoots: this.ledger.overshoots(Math.min(day.start, month.start), Math.max(day.end, month.end)),
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
    const since = this.reopened.get(`${scope}|${subject}`) ?? -1;
    let overshoot = 0;
    for (const o of win.overshoots) {
      if (o.tokens === 0 || o.time < win.dayStart || o.time >= win.dayEnd || o.settledAt <= since) continue;
      if (scope === 'dailyTokens.provider' ? o.provider === subject : o.keyId === subject) overshoot += o.tokens;
    }
    return { scope, subject, unit: 'tokens', limit, settled, reserved, resetsAt: win.dayEnd, overshoot };
  }

  private monthCheck(win: Window, provider: string | null, limitUsd: number): Check {
    let reserved = 0;
    for (const c of this.open.values()) {
      if (c.time < win.monthStart || c.time >= win.monthEnd) continue;
      if (provider === null || c.provider === provider) reserved += c.nano;
    }
    const settled = provider === null ? win.monthNanoTotal : (win.monthNanoByProvider.get(provider) ?? 0);
    const scope = provider === null ? 'monthlyUsd.total' : 'monthlyUsd.provider';
    const since = this.reopened.get(`${scope}|${provider ?? ''}`) ?? -1;
    let overshoot = 0;
    for (const o of win.overshoots) {
      if (o.nano === 0 || o.time < win.monthStart || o.time >= win.monthEnd || o.settledAt <= since) continue;
      if (provider === null || o.provider === provider) overshoot += o.nano;
    }
    return {
      scope: provider === null ? 'monthlyUsd.total' : 'monthlyUsd.provider',
      subject: provider,
      unit: 'usd',
      limit: Math.round(limitUsd * NANO_PER_USD),
      settled,
      reserved,
      resetsAt: win.monthEnd,
      overshoot,
    };
  }

  private sessionCheck(sessionId: string, limitUsd: number): Check {
    let settled = this.sessions.get(sessionId);
    if (settled === undefined) {
      settled = this.ledger.sessionCapNano(sessionId);
      if (this.sessions.size >= SESSION_CACHE) {
        const oldest = this.sessions.keys().next().value!;
        this.sessions.delete(oldest);
        this.sessionOvershoot.delete(oldest);
      }
      this.sessions.set(sessionId, settled);
      this.sessionOvershoot.set(sessionId, this.ledger.sessionOvershoots(sessionId));
    }
    let reserved = 0;
    for (const c of this.open.values()) if (c.sessionId === sessionId) reserved += c.nano;
    const since = this.reopened.get('sessionUsd|') ?? -1;
    let overshoot = 0;
    for (const o of this.sessionOvershoot.get(sessionId) ?? []) if (o.settledAt > since) overshoot += o.nano;
    return { scope: 'sessionUsd', subject: sessionId, unit: 'usd', limit: Math.round(limitUsd * NANO_PER_USD), settled, reserved, resetsAt: null, overshoot };
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
      // An overshoot closes the limit until it resets, however much of it is used.
      level: fraction >= 1 || c.overshoot > 0 ? 'exceeded' : fraction >= WARN_AT ? 'warning' : 'ok',
      ...(c.overshoot > 0 ? { overshoot: conv(c.overshoot) } : {}),
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

  private refusal({ check, need, win }: NoRoom): AppError {
    try {
      this.refuse(check, need, win);
    } catch (err) {
      return err as AppError;
    }
  }

  /** The bound did not fit, the estimate would have, and the provider gave no count. */
  private uncountedRefusal({ check: c, need, win }: NoRoom, bound: number): AppError {
    const state = this.stateOf(c, need);
    this.emitLevel(this.windowKey(c, win), { ...state, level: 'exceeded' });
    const used = c.settled + c.reserved;
    const fmt = (n: number) => formatAmount(c, n);
    return new AppError(
      'LIMIT_EXCEEDED',
      `${describeLimit(c)} could not be guaranteed for this call: ${fmt(used)} of ${fmt(c.limit)} is used, and this prompt could not be counted exactly ` +
        `(the provider has no count for it, or did not answer in time), so it was reserved at its upper bound of ${bound.toLocaleString('en-US')} prompt tokens ` +
        `(one per UTF-8 byte), which leaves no room. A shorter prompt or a lower max tokens setting reserves less. ${resetsText(c, win)}`,
      {
        scope: c.scope,
        subject: c.subject,
        unit: c.unit,
        reason: 'prompt-not-counted',
        promptUpperBound: bound,
        used: c.unit === 'usd' ? nanoToUsd(used) : used,
        reserved: c.unit === 'usd' ? nanoToUsd(c.reserved) : c.reserved,
        requested: c.unit === 'usd' ? nanoToUsd(need) : need,
        limit: c.unit === 'usd' ? nanoToUsd(c.limit) : c.limit,
        resetsAt: c.resetsAt,
        timeZone: win.zone.name,
      },
    );
  }

  /** A call in this window used more than it reserved: the limit can no longer be guaranteed, so it stays closed until it resets. */
  private refuseOvershoot(c: Check, win: Window): never {
    const state = this.stateOf(c, 0);
    this.emitLevel(this.windowKey(c, win), state);
    const used = c.settled + c.reserved;
    throw new AppError(
      'LIMIT_EXCEEDED',
      `${describeLimit(c)} is closed: a call counted against it used ${formatAmount(c, c.overshoot)} more than it reserved ` +
        `(the provider reported more than the prompt's upper bound), so the limit could no longer be guaranteed. ${resetsText(c, win)}`,
      {
        scope: c.scope,
        subject: c.subject,
        unit: c.unit,
        reason: 'overshoot',
        overshoot: c.unit === 'usd' ? nanoToUsd(c.overshoot) : c.overshoot,
        used: c.unit === 'usd' ? nanoToUsd(used) : used,
        limit: c.unit === 'usd' ? nanoToUsd(c.limit) : c.limit,
        resetsAt: c.resetsAt,
        timeZone: win.zone.name,
      },
    );
  }

  private refuse(c: Check, need: number, win: Window): never {
    const state = this.stateOf(c, need);
    this.emitLevel(this.windowKey(c, win), { ...state, level: 'exceeded' });
    const fmt = (n: number) => formatAmount(c, n);
    const tz = win.zone.name;
    const resets = resetsText(c, win);
    const used = c.settled + c.reserved;
    const message =
      `${describeLimit(c)} is reached: ${fmt(used)} of ${fmt(c.limit)} used` +
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
      return `${providerName(c.subject)}’s daily token limit`;
    case 'dailyTokens.key':
      return `The daily token limit for key ${c.subject}`;
    case 'monthlyUsd.total':
      return 'The monthly spending cap';
    case 'monthlyUsd.provider':
      return `${providerName(c.subject)}’s monthly spending cap`;
    case 'sessionUsd':
      return 'This conversation’s budget';
  }
}

/** The limits ('<scope>|<subject>') whose value differs between two settings; a changed session budget is 'sessionUsd|'. */
function changedLimits(a: Limits, b: Limits): string[] {
  const out: string[] = [];
  const diff = (scope: string, x: Record<string, number>, y: Record<string, number>) => {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) if (x[k] !== y[k]) out.push(`${scope}|${k}`);
  };
  diff('dailyTokens.provider', a.dailyTokens.provider, b.dailyTokens.provider);
  diff('dailyTokens.key', a.dailyTokens.key, b.dailyTokens.key);
  diff('monthlyUsd.provider', a.monthlyUsd.provider, b.monthlyUsd.provider);
  if (a.monthlyUsd.total !== b.monthlyUsd.total) out.push('monthlyUsd.total|');
  if (a.sessionUsd !== b.sessionUsd) out.push('sessionUsd|');
  return out;
}

function readReopened(json: string | null): Map<string, number> {
  try {
    const parsed = json ? (JSON.parse(json) as Record<string, unknown>) : {};
    return new Map(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return new Map();
  }
}

function formatAmount(c: Check, n: number): string {
  return c.unit === 'usd' ? `$${nanoToUsd(n).toFixed(n < 10 * NANO_PER_USD ? 4 : 2)}` : `${Math.round(n).toLocaleString('en-US')} tokens`;
}

function resetsText(c: Check, win: Window): string {
  return c.resetsAt === null ? 'It does not reset: raise the session budget or start a new conversation.' : `It resets at ${formatLocal(win.zone, c.resetsAt)} (${win.zone.name}).`;
}

function isNoRoom(r: Reservation | NoRoom): r is NoRoom {
  return 'check' in r;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Dec 8, 00:00" in the limits' zone: for people, never a raw timestamp (the app formats `resetsAt` in its locale). */
export function formatLocal(z: Zone, t: number): string {
  const local = new Date(t + z.offsetAt(t)).toISOString();
  return `${MONTHS[Number(local.slice(5, 7)) - 1]} ${Number(local.slice(8, 10))}, ${local.slice(11, 16)}`;
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
  const writes = t(u.cacheWriteTokens);
  const clean: Usage = {
    inputTokens: t(u.inputTokens),
    cacheReadTokens: t(u.cacheReadTokens),
    cacheWriteTokens: writes,
    outputTokens: output,
    reasoningTokens: Math.min(t(u.reasoningTokens), output),
    estimated: u.estimated === true,
  };
  const write1h = Math.min(t(u.cacheWrite1hTokens ?? 0), writes);
  if (write1h > 0) clean.cacheWrite1hTokens = write1h;
  return clean;
}
