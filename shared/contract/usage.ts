import { z } from 'zod';
import { Id, KeySource, ProviderId, TimeInput, Usage } from './common.js';

export const CallStatus = z.enum(['reserved', 'ok', 'error', 'cancelled', 'interrupted']);
export type CallStatus = z.infer<typeof CallStatus>;

export const CostSource = z.enum(['price', 'provider-reported']);
export type CostSource = z.infer<typeof CostSource>;

/**
 * Why a provider request was made: the first request of a turn, a retry of the same key after a
 * failure, the same model with the provider's next key (key failover), or the next entry of the
 * fallback chain.
 */
export const CallKind = z.enum(['first', 'retry', 'key-failover', 'fallback']);
export type CallKind = z.infer<typeof CallKind>;

export const UsageRecord = z.object({
  id: z.string(),
  /** When the call was admitted, ms since the epoch. */
  time: z.number(),
  sessionId: z.string(),
  agent: z.string().nullable(),
  provider: ProviderId,
  model: z.string(),
  keyId: z.string().nullable(),
  source: KeySource,
  status: CallStatus,
  errorCode: z.string().nullable(),
  usage: Usage,
  costUsd: z.number().nonnegative().nullable(),
  /** The price snapshot the cost was computed with (USD per million tokens). */
  pricing: z
    .object({
      input: z.number().nullable(),
      output: z.number().nullable(),
      cacheRead: z.number().nullable(),
      cacheWrite: z.number().nullable(),
      cacheWrite1h: z.number().nullable().optional(),
    })
    .nullable(),
  /**
   * Where costUsd came from: "price" (tokens × the price snapshot) or "provider-reported" (the
   * amount the provider said it charged, e.g. OpenRouter's usage.cost); null while unknown.
   */
  costSource: CostSource.nullable().optional(),
  /** Tokens × the price snapshot: the cost itself, or the cross-check of a provider-reported one. */
  priceCostUsd: z.number().nonnegative().nullable().optional(),
  /** A provider-reported cost differs from tokens × price by more than 1 %. */
  costMismatch: z.boolean().optional(),
  /**
   * What the call used beyond what it reserved (a provider reporting more than the prompt's bound):
   * tokens, and USD. Such a call closes the limits it counted against until they reset.
   */
  overshootTokens: z.number().int().nonnegative().optional(),
  overshootUsd: z.number().nonnegative().optional(),
  latencyMs: z.number().nullable(),
  ttftMs: z.number().nullable(),
  attempt: z.number().int().positive(),
  /** Records written before calls were told apart read as first calls. */
  kind: CallKind.default('first'),
  /** A retry: id of the record of the call it retries. */
  retryOf: z.string().nullable().default(null),
  /** A fallback only: id of the record of the last call of the chain entry it falls back from (null when that entry made none). */
  fallbackOf: z.string().nullable(),
  /** The power level that chose the model (null when a model was named). */
  powerLevel: z.string().nullable().optional(),
  /** Model call of a turn's tool loop (1-based); null for a turn without tools. */
  step: z.number().int().positive().nullable().optional(),
  /** A key failover: id of the key it replaced. */
  replacedKeyId: z.string().nullable().default(null),
  /** Worst-case cost reserved at admission. */
  reservedUsd: z.number().nullable(),
  reservedTokens: z.number().int().nullable(),
  settledAt: z.number().nullable(),
});
export type UsageRecord = z.infer<typeof UsageRecord>;

export const UsageRecordsRequest = z
  .object({
    from: TimeInput.optional(),
    to: TimeInput.optional(),
    sessionId: Id.optional(),
    provider: ProviderId.optional(),
    limit: z.number().int().positive().max(10_000).optional(),
    /** Opaque cursor from the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();
export const UsageRecordsResponse = z.object({ records: z.array(UsageRecord), nextCursor: z.string().nullable() });

export const GroupBy = z.enum(['day', 'week', 'month', 'provider', 'model', 'key', 'agent', 'level', 'session', 'source', 'status']);
export type GroupBy = z.infer<typeof GroupBy>;

export const UsageQueryRequest = z
  .object({
    from: TimeInput.optional(),
    to: TimeInput.optional(),
    groupBy: z.array(GroupBy).max(4).default([]),
    provider: ProviderId.optional(),
    model: z.string().max(300).optional(),
    keyId: Id.optional(),
    agent: z.string().max(200).optional(),
    sessionId: Id.optional(),
    /** Defaults to the time zone set in limits. */
    timeZone: z.string().max(64).optional(),
  })
  .strict();

export const UsageTotals = z.object({
  calls: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  unknownCostCalls: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  estimatedCalls: z.number().int().nonnegative(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

export const UsageGroup = UsageTotals.extend({
  /** One entry per groupBy dimension, e.g. {day: "2026-11-23", provider: "openai"}. */
  key: z.record(z.string(), z.string().nullable()),
});
export type UsageGroup = z.infer<typeof UsageGroup>;

export const UsageQueryResponse = z.object({ groups: z.array(UsageGroup), totals: UsageTotals, timeZone: z.string() });

/**
 * The renderer keeps conversations (and their titles) in its own database; it tells the core each
 * conversation's title when it is created, renamed or deleted (null), so the CSV can name it.
 */
export const UsageSetSessionTitlesRequest = z
  .object({
    titles: z
      .array(z.object({ sessionId: Id, title: z.string().max(500).nullable() }).strict())
      .min(1)
      .max(1000),
  })
  .strict();
export const UsageSetSessionTitlesResponse = z.object({ saved: z.number().int().nonnegative() });

/** The titles the app reported for these sessions (conversations kept in another window's storage, e.g. the desktop app's). */
export const UsageSessionTitlesRequest = z.object({ sessionIds: z.array(Id).min(1).max(500) }).strict();
export const UsageSessionTitlesResponse = z.object({ titles: z.record(z.string(), z.string()) });

export const UsageExportCsvRequest = z.object({ from: TimeInput.optional(), to: TimeInput.optional() }).strict();
/** In Electron the CSV is written where the user chose; the web host answers with text/csv instead. */
export const UsageExportCsvResponse = z.object({ saved: z.boolean(), path: z.string().optional(), rows: z.number().int().nonnegative() });
