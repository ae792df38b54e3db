import type { KeySource, Pricing, ProviderId, UsageRecord } from '../../shared/contract/index.js';

/**
 * A `calls` row (or a synced usage row) as PostgreSQL answers it. Synced rows from older apps may
 * lack a session, an attempt number or a kind; calls through the server always have them.
 */
export interface CallRecordRow {
  id: string;
  time: Date;
  session_id: string | null;
  provider: ProviderId | string;
  model: string;
  key_id: string | null;
  /** Absent on the calls table: a call through the server is always on a team key. */
  source?: KeySource | string;
  status: UsageRecord['status'] | string;
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
  attempt: number | null;
  kind: UsageRecord['kind'] | null;
  retry_of: string | null;
  fallback_of: string | null;
  replaced_key_id: string | null;
  reserved_tokens: number | null;
  reserved_nano: number | null;
  settled_at: Date | null;
}

/** The row in the app's usage record shape (usage.records, the CSV columns). */
export function callRecord(row: CallRecordRow): UsageRecord {
  return {
    id: row.id,
    time: row.time.getTime(),
    sessionId: row.session_id ?? '',
    agent: null,
    provider: row.provider as ProviderId,
    model: row.model,
    keyId: row.key_id,
    source: (row.source ?? 'team') as KeySource,
    status: row.status as UsageRecord['status'],
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
    attempt: row.attempt ?? 1,
    kind: row.kind ?? 'first',
    retryOf: row.retry_of,
    fallbackOf: row.fallback_of,
    replacedKeyId: row.replaced_key_id,
    reservedUsd: row.reserved_nano === null ? null : row.reserved_nano / 1e9,
    reservedTokens: row.reserved_tokens,
    settledAt: row.settled_at ? row.settled_at.getTime() : null,
  };
}
