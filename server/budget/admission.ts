import { AppError, type ChatMessage, type ProviderId, type UsageRecord } from '../../shared/contract/index.js';
import { costNanoUsd, pricingForPrompt, promptTokensOf, worstCaseNanoUsd, type PricingTier } from '../../shared/cost.js';
import type { Pricing } from '../../shared/contract/index.js';
import type { Logger } from '../../electron/core/app/logger.js';
import { cleanUsage } from '../../electron/core/limits/admission.js';
import { uuidv7 } from '../../electron/core/metering/ids.js';
import type { TokenCounter } from '../../electron/core/metering/token-counter.js';
import type { AdmitRequest, CallAdmission, Reservation, SettleOutcome } from '../../electron/core/ports.js';
import type { Db } from '../db/pool.js';
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

/**
 * The router's CallAdmission on the team server: every decision is one call of the sb_admit
 * function inside PostgreSQL (locks the team's and the member's counters, checks, reserves, writes
 * the call row), so any number of server processes share the budgets and never overshoot; nothing
 * about budgets is kept in this process's memory. Prompt tokens are counted by the app's own
 * tokenizer (a worker thread).
 */
export class PgCallAdmission implements CallAdmission {
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

  async admit(request: AdmitRequest): Promise<Reservation> {
    const ctx = this.contexts.get(request.sessionId);
    if (!ctx) throw new AppError('INTERNAL', 'A call reached admission without a member.');
    const promptTokens = Math.max(0, Math.ceil(request.promptTokens));
    const maxOutput = Math.max(0, Math.ceil(request.maxOutputTokens));
    const tiers = request.pricing ? (request.pricingTiers ?? null) : null;
    const nano = worstCaseNanoUsd(promptTokens, maxOutput, pricingForPrompt(request.pricing, request.pricingTiers, promptTokens));
    const tokens = promptTokens + maxOutput;
    const id = this.newId();
    let row: Refusal & { admitted: boolean };
    try {
      const r = await this.db.query<Refusal & { admitted: boolean }>({
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
          tiers ? JSON.stringify(tiers) : null,
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
    if (!row.admitted) throw limitExceeded(row, { tokens, nano, provider: request.provider, model: request.model });
    ctx.onAdmitted?.();

    let settled: Promise<UsageRecord> | null = null;
    return {
      id,
      reservedUsd: nano === null ? null : nano / 1e9,
      reservedTokens: tokens,
      settle: (outcome) => (settled ??= this.settle(id, request.pricing, tiers, outcome)),
    };
  }

  /**
   * Replaces the reservation with what the call used, priced with the admission's snapshot at the
   * long-prompt tier of the actual prompt (the app ledger's rule). Retried a few times: a reservation
   * left open is counted at its worst case until it expires as interrupted.
   */
  private async settle(id: string, pricing: Pricing | null, tiers: PricingTier[] | null, outcome: SettleOutcome): Promise<UsageRecord> {
    const usage = cleanUsage(outcome.usage);
    const cost = costNanoUsd(usage, pricingForPrompt(pricing, tiers ?? undefined, promptTokensOf(usage)));
    const values = [
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
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.db.query<CallRow>({ name: 'sb_settle', text: 'SELECT * FROM sb_settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', values });
        const row = r.rows[0];
        if (!row) throw new Error(`call ${id} is missing`);
        return callRecord(row);
      } catch (err) {
        if (attempt >= SETTLE_TRIES) {
          this.logger.error('settling a call failed; its reservation stays counted until it expires as interrupted', { id, err });
          throw new AppError('INTERNAL', 'The team server could not record what this call used; its worst case stays counted against the budget.');
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}

function finiteInt(n: number | null): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

/** A calls row in the app's usage record shape. */
export function callRecord(row: CallRow): UsageRecord {
  return {
    id: row.id,
    time: row.time.getTime(),
    sessionId: row.session_id,
    agent: null,
    provider: row.provider,
    model: row.model,
    keyId: row.key_id,
    source: 'team',
    status: row.status,
    errorCode: row.error_code,
    usage: {
      inputTokens: row.input_tokens,
      cacheReadTokens: row.cache_read_tokens,
      cacheWriteTokens: row.cache_write_tokens,
      outputTokens: row.output_tokens,
      reasoningTokens: row.reasoning_tokens,
      estimated: row.estimated,
    },
    costUsd: row.cost_nano === null ? null : row.cost_nano / 1e9,
    pricing: row.pricing,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    attempt: row.attempt,
    kind: row.kind,
    retryOf: row.retry_of,
    fallbackOf: row.fallback_of,
    replacedKeyId: row.replaced_key_id,
    reservedUsd: row.reserved_nano === null ? null : row.reserved_nano / 1e9,
    reservedTokens: row.reserved_tokens,
    settledAt: row.settled_at ? row.settled_at.getTime() : null,
  };
}
