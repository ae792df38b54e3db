import { AppError, type ChatMessage, type ProviderId, type Usage, type UsageRecord } from '../../shared/contract/index.js';
import type { Pricing } from '../../shared/contract/index.js';
import { PriceSnapshot } from '../../shared/pricing/index.js';
import type { Logger } from '../../electron/core/app/logger.js';
import { cleanUsage } from '../../electron/core/limits/admission.js';
import { uuidv7 } from '../../electron/core/metering/ids.js';
import type { TokenCounter } from '../../electron/core/metering/token-counter.js';
import type { AdmitRequest, CallAdmission, Reservation, SettleOutcome } from '../../electron/core/ports.js';
import type { Db } from '../db/pool.js';
import { callRecord } from '../usage/call-record.js';
import { limitExceeded, type Refusal } from './refusal.js';

/** Who a call is for: the member whose token made the request. */
export interface CallContext {
  memberId: string;
  /** Told once a call of the turn is admitted (the endpoint may then start a streamed answer). */
  onAdmitted?: () => void;
}

/**
 * The member behind each running turn, by the turn's session id (the chat endpoint opens a session of
 * its own per request). The router's AdmitRequest carries the session id; admission looks the member up here.
 */
export class CallContexts {
  private readonly bySession = new Map<string, CallContext>();
  set(sessionId: string, ctx: CallContext): void {
    this.bySession.set(sessionId, ctx);
  }
  get(sessionId: string): CallContext | undefined {
    return this.bySession.get(sessionId);
  }
  delete(sessionId: string): void {
    this.bySession.delete(sessionId);
  }
}

interface CallRow {
  id: string;
  session_id: string;
  time: Date;
  provider: ProviderId;
  model: string;
  key_id: string | null;
  status: UsageRecord['status'];
  error_code: string | null;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  estimated: boolean;
  cost_nano: number | null;
  pricing: Pricing | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  attempt: number;
  kind: UsageRecord['kind'];
  retry_of: string | null;
  fallback_of: string | null;
  replaced_key_id: string | null;
  reserved_tokens: number;
  reserved_nano: number | null;
  settled_at: Date | null;
}

const SETTLE_TRIES = 5;
/** How long a provider may take to count a prompt before the call is decided on its upper bound. */
const COUNT_TIMEOUT_MS = 5000;

type AdmitAnswer = Refusal & { admitted: boolean; call_time: Date | null };

/** What admission wrote into a call's row, kept so its settled record can be answered without reading the row back. */
interface AdmittedCall {
  id: string;
  time: Date;
  request: AdmitRequest;
  prices: PriceSnapshot;
  reservedTokens: number;
  reservedNano: number | null;
}

/**
 * The router's CallAdmission on the team server: every decision is one call of the sb_admit
 * function inside PostgreSQL (locks the team's and the member's counters, checks, reserves, writes
 * the call row), so any number of server processes share the budgets and never overshoot; nothing
 * about budgets is kept in this process's memory. Prompt tokens are counted by the app's own
 * tokenizer (a worker thread).
 */
export class PgCallAdmission implements CallAdmission {
  /** Settlements still being written (see settle). */
  private readonly writing = new Set<Promise<UsageRecord | null>>();
  /**
   * Settle answers the call's record at once and writes it right after (the team server: the last
   * bytes of an answer then do not wait for a database round trip). Off: settle resolves with the
   * row as written.
   */
  answerBeforeWritten = false;

  constructor(
    private readonly db: Db,
    private readonly replicaId: string,
    private readonly contexts: CallContexts,
    private readonly tokens: TokenCounter,
    private readonly logger: Logger,
    private readonly newId: () => string = () => uuidv7(),
  ) {}

  estimatePromptTokens(messages: ChatMessage[], provider: ProviderId, model: string): Promise<{ tokens: number; tokenizer: string }> {
    return this.tokens.estimate(messages, provider, model);
  }

  /**
   * Reserves the prompt's upper bound plus max output (the app's rule, DESIGN.md section 5): when
   * that does not fit but the estimate would, the provider's own count decides, in a second
   * sb_admit; with no count the call is refused and the message says why.
   */
  async admit(request: AdmitRequest): Promise<Reservation> {
    const ctx = this.contexts.get(request.sessionId);
    if (!ctx) throw new AppError('INTERNAL', 'A call reached admission without a member.');
    const estimate = Math.max(0, Math.ceil(request.promptTokens));
    const bound = Math.max(estimate, Math.ceil(request.promptUpperBound ?? estimate));
    const maxOutput = Math.max(0, Math.ceil(request.maxOutputTokens));
    const prices = PriceSnapshot.of({ provider: request.provider, id: request.model, pricing: request.pricing, pricingTiers: request.pricingTiers });
    const first = await this.tryAdmit(ctx, request, prices, bound, maxOutput);
    if ('reservation' in first) return first.reservation;
    if (bound === estimate || !fitsAt(first.refusal, estimate + maxOutput, prices.reserveNano(estimate, maxOutput))) {
      throw limitExceeded(first.refusal, { tokens: bound + maxOutput, nano: prices.reserveNano(bound, maxOutput), provider: request.provider, model: request.model });
    }
    const counted = await countPrompt(request, this.logger);
    if (counted === null) throw uncounted(limitExceeded(first.refusal, { tokens: bound + maxOutput, nano: prices.reserveNano(bound, maxOutput), provider: request.provider, model: request.model }), bound);
    const second = await this.tryAdmit(ctx, request, prices, counted, maxOutput);
    if ('reservation' in second) return second.reservation;
    throw limitExceeded(second.refusal, { tokens: counted + maxOutput, nano: prices.reserveNano(counted, maxOutput), provider: request.provider, model: request.model });
  }

  /** One sb_admit: the whole check-and-reserve inside PostgreSQL, at `promptTokens` for the prompt. */
  private async tryAdmit(ctx: CallContext, request: AdmitRequest, prices: PriceSnapshot, promptTokens: number, maxOutput: number): Promise<{ reservation: Reservation } | { refusal: Refusal }> {
    const nano = prices.reserveNano(promptTokens, maxOutput);
    const tiers = prices.base ? [...prices.tiers] : null;
    const tokens = promptTokens + maxOutput;
    const id = this.newId();
    let row: AdmitAnswer;
    try {
      const r = await this.db.query<AdmitAnswer>({
        name: 'sb_admit',
        text: 'SELECT * FROM sb_admit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)',
        values: [
          id,
          ctx.memberId,
          this.replicaId,
          request.sessionId,
          request.provider,
          request.model,
          request.keyId,
          promptTokens,
          maxOutput,
          tokens,
          nano,
          request.pricing ? JSON.stringify(request.pricing) : null,
          tiers && tiers.length > 0 ? JSON.stringify(tiers) : null,
          request.attempt,
          request.fallbackOf,
          request.kind,
          request.retryOf,
          request.replacedKeyId,
        ],
      });
      row = r.rows[0]!;
    } catch (err) {
      this.logger.error('budget admission failed in the database', { err });
      throw new AppError('PROVIDER_UNAVAILABLE', 'The team server could not reach its database to check your budget, so the call was not sent. Nothing was charged.');
    }
    if (!row.admitted) return { refusal: row };
    ctx.onAdmitted?.();

    const call: AdmittedCall = { id, time: row.call_time ?? new Date(), request, prices, reservedTokens: tokens, reservedNano: nano };
    let settled: Promise<UsageRecord> | null = null;
    return {
      reservation: {
        id,
        reservedUsd: nano === null ? null : nano / 1e9,
        reservedTokens: tokens,
        settle: (outcome) => (settled ??= this.settle(call, outcome)),
      },
    };
  }

  /** Resolves once every settlement started so far is written to the database (or given up on and logged). */
  async written(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  /**
   * Replaces the reservation with what the call used, priced with the admission's snapshot at the
   * long-prompt tier of the actual prompt (the app ledger's rule). With answerBeforeWritten the
   * record is answered before the write commits: until then the call stays counted at its
   * reservation, exactly as if it were still running, so every other admission decides as it would
   * beside a running call and budgets still never overshoot. Usage reads on this process and
   * shutdown wait for written().
   */
  private async settle(call: AdmittedCall, outcome: SettleOutcome): Promise<UsageRecord> {
    const usage = cleanUsage(outcome.usage);
    // A provider's own charge (OpenRouter's usage.cost) is what the team paid; else price × tokens.
    const cost = call.prices.settle(usage, outcome.reportedCostUsd).nano;
    const write = this.write(call.id, settleValues(call.id, outcome, usage, cost));
    this.writing.add(write);
    void write.then(() => this.writing.delete(write));
    if (this.answerBeforeWritten) return settledRecord(call, outcome, usage, cost);
    const row = await write;
    if (!row) throw new AppError('INTERNAL', 'The team server could not record what this call used; its worst case stays counted against the budget.');
    return row;
  }

  /**
   * sb_settle, retried a few times: a reservation left open is counted at its worst case until it
   * expires as interrupted. Null when it could not be written (logged). Never rejects.
   */
  private async write(id: string, values: unknown[]): Promise<UsageRecord | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.db.query<CallRow>({ name: 'sb_settle', text: 'SELECT * FROM sb_settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', values });
        const row = r.rows[0];
        if (!row) throw new Error(`call ${id} is missing`);
        return callRecord(row);
      } catch (err) {
        if (attempt >= SETTLE_TRIES) {
          this.logger.error('settling a call failed; its reservation stays counted until it expires as interrupted', { id, err });
          return null;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}

function settleValues(id: string, outcome: SettleOutcome, usage: Usage, cost: number | null): unknown[] {
  return [
    id,
    outcome.status,
    usage.inputTokens,
    usage.cacheReadTokens,
    usage.cacheWriteTokens,
    usage.outputTokens,
    usage.reasoningTokens,
    usage.estimated,
    cost,
    outcome.errorCode ?? null,
    finiteInt(outcome.latencyMs),
    finiteInt(outcome.ttftMs),
  ];
}

/** The record sb_settle writes for a call settled with `outcome` (the row as callRecord would read it back). */
function settledRecord(call: AdmittedCall, outcome: SettleOutcome, usage: Usage, cost: number | null): UsageRecord {
  const { request } = call;
  return {
    id: call.id,
    time: call.time.getTime(),
    sessionId: request.sessionId,
    agent: null,
    provider: request.provider,
    model: request.model,
    keyId: request.keyId,
    source: 'team',
    status: outcome.status,
    errorCode: outcome.errorCode ?? null,
    usage,
    costUsd: cost === null ? null : cost / 1e9,
    pricing: request.pricing,
    latencyMs: finiteInt(outcome.latencyMs),
    ttftMs: finiteInt(outcome.ttftMs),
    attempt: request.attempt,
    kind: request.kind,
    retryOf: request.retryOf,
    fallbackOf: request.fallbackOf,
    replacedKeyId: request.replacedKeyId,
    reservedUsd: call.reservedNano === null ? null : call.reservedNano / 1e9,
    reservedTokens: call.reservedTokens,
    settledAt: Date.now(),
  };
}

/** Whether a call needing `tokens` (or `nano`) would have fit the budget that refused a larger reservation. */
function fitsAt(row: Refusal, tokens: number, nano: number | null): boolean {
  if (row.scope === null || row.scope.endsWith('_unpriced')) return false;
  const room = (row.limit_value ?? 0) - (row.used ?? 0) - (row.reserved ?? 0);
  const need = row.scope === 'member_daily_tokens' ? tokens : nano;
  return need !== null && need <= room;
}

/** The provider's count of the prompt (Anthropic count_tokens, Gemini countTokens), or null when it has none, fails or is slow. */
async function countPrompt(request: AdmitRequest, logger: Logger): Promise<number | null> {
  if (!request.countPromptTokens) return null;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('count timed out')), COUNT_TIMEOUT_MS);
  try {
    const n = await Promise.race([
      request.countPromptTokens(ctl.signal),
      new Promise<null>((resolve) => ctl.signal.addEventListener('abort', () => resolve(null), { once: true })),
    ]);
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.ceil(n) : null;
  } catch (err) {
    logger.warn('the provider could not count a prompt; the call is decided on its upper bound', { provider: request.provider, model: request.model, err });
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function uncounted(refusal: AppError, bound: number): AppError {
  return new AppError(
    'LIMIT_EXCEEDED',
    `${refusal.message} This prompt could not be counted exactly (the provider has no count for it, or did not answer in time), so it was reserved at its upper bound of ${bound.toLocaleString('en-US')} prompt tokens (one per UTF-8 byte). A shorter prompt or a lower max_tokens reserves less.`,
    { ...refusal.details, uncounted: true },
  );
}

function finiteInt(n: number | null): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}
