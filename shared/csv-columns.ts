import type { UsageRecord } from './contract/usage.js';

/** What a CSV row is made from: one ledger record, plus the key's label looked up at export time. */
export interface CsvRowSource {
  record: UsageRecord;
  keyLabel: string | null;
  /** The label of the key a key failover replaced, looked up the same way. */
  replacedKeyLabel?: string | null;
  /** The record's time in the export's time zone, e.g. 2026-11-23T09:15:02.123+01:00. */
  localTime: string;
}

export interface CsvColumn {
  header: string;
  /** Free text a person typed (labels, agent names): guarded against spreadsheet formulas. */
  text?: boolean;
  value(row: CsvRowSource): string | number | boolean | null;
}

const r = (f: (rec: UsageRecord) => string | number | boolean | null) => (row: CsvRowSource) => f(row.record);

/**
 * The columns of usage.exportCsv, in order. Defined once here so the export, its tests and any
 * reader agree. Never a secret: keys appear by id and label only.
 */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { header: 'id', value: r((x) => x.id) },
  { header: 'time_utc', value: r((x) => new Date(x.time).toISOString()) },
  { header: 'time_local', value: (row) => row.localTime },
  { header: 'session_id', text: true, value: r((x) => x.sessionId) },
  { header: 'agent', text: true, value: r((x) => x.agent) },
  { header: 'provider', value: r((x) => x.provider) },
  { header: 'model', text: true, value: r((x) => x.model) },
  { header: 'key_id', value: r((x) => x.keyId) },
  { header: 'key_label', text: true, value: (row) => row.keyLabel },
  { header: 'source', value: r((x) => x.source) },
  { header: 'status', value: r((x) => x.status) },
  { header: 'error_code', text: true, value: r((x) => x.errorCode) },
  { header: 'input_tokens', value: r((x) => x.usage.inputTokens) },
  { header: 'cache_read_tokens', value: r((x) => x.usage.cacheReadTokens) },
  { header: 'cache_write_tokens', value: r((x) => x.usage.cacheWriteTokens) },
  { header: 'output_tokens', value: r((x) => x.usage.outputTokens) },
  { header: 'reasoning_tokens', value: r((x) => x.usage.reasoningTokens) },
  { header: 'estimated', value: r((x) => x.usage.estimated) },
  // Empty when the price is unknown: an unknown cost is never written as 0.
  { header: 'cost_usd', value: r((x) => (x.costUsd === null ? null : formatUsd(x.costUsd))) },
  { header: 'price_input_per_mtok', value: r((x) => x.pricing?.input ?? null) },
  { header: 'price_output_per_mtok', value: r((x) => x.pricing?.output ?? null) },
  { header: 'price_cache_read_per_mtok', value: r((x) => x.pricing?.cacheRead ?? null) },
  { header: 'price_cache_write_per_mtok', value: r((x) => x.pricing?.cacheWrite ?? null) },
  { header: 'latency_ms', value: r((x) => x.latencyMs) },
  { header: 'ttft_ms', value: r((x) => x.ttftMs) },
  { header: 'attempt', value: r((x) => x.attempt) },
  // first, retry, key-failover or fallback; each links to what it follows in its own column.
  { header: 'call_kind', value: r((x) => x.kind) },
  { header: 'retry_of', value: r((x) => x.retryOf) },
  { header: 'fallback_of', value: r((x) => x.fallbackOf) },
  { header: 'replaced_key_id', value: r((x) => x.replacedKeyId) },
  { header: 'replaced_key_label', text: true, value: (row) => row.replacedKeyLabel ?? null },
  { header: 'reserved_tokens', value: r((x) => x.reservedTokens) },
  { header: 'reserved_usd', value: r((x) => (x.reservedUsd === null ? null : formatUsd(x.reservedUsd))) },
  { header: 'settled_at_utc', value: r((x) => (x.settledAt === null ? null : new Date(x.settledAt).toISOString())) },
  { header: 'power_level', value: r((x) => x.powerLevel ?? null) },
  { header: 'tool_step', value: r((x) => x.step ?? null) },
  // Added after the first release: appended, so readers of the earlier columns by position keep working.
  { header: 'cache_write_1h_tokens', value: r((x) => x.usage.cacheWrite1hTokens ?? 0) },
  { header: 'price_cache_write_1h_per_mtok', value: r((x) => x.pricing?.cacheWrite1h ?? null) },
  // "price" (tokens × the snapshot above) or "provider-reported" (what the provider said it charged).
  { header: 'cost_source', value: r((x) => x.costSource ?? null) },
  // Tokens × the snapshot: the cross-check of a provider-reported cost.
  { header: 'price_cost_usd', value: r((x) => (x.priceCostUsd === null || x.priceCostUsd === undefined ? null : formatUsd(x.priceCostUsd))) },
  // The reported cost differs from tokens × price by more than 1 %.
  { header: 'cost_mismatch', value: r((x) => x.costMismatch ?? false) },
  // What the call used beyond its reservation (a provider reporting more than the prompt's bound).
  { header: 'overshoot_tokens', value: r((x) => x.overshootTokens ?? 0) },
  { header: 'overshoot_usd', value: r((x) => formatUsd(x.overshootUsd ?? 0)) },
];

export const CSV_HEADERS: readonly string[] = CSV_COLUMNS.map((c) => c.header);

/** USD with nine decimals (the ledger's nano-USD precision), no exponent notation. */
export function formatUsd(usd: number): string {
  return usd.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a typed value starting with = + - @, tab
 * or carriage return would run as a formula when the file is opened in Excel or LibreOffice. Such
 * text cells get a leading apostrophe, which spreadsheets show as a plain-text marker. Only text
 * columns are guarded; numbers and ids are never changed.
 */
export function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV row's cells, in column order, before quoting. */
export function csvCells(row: CsvRowSource): Array<string | number | null> {
  return CSV_COLUMNS.map((c) => {
    const v = c.value(row);
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string' && c.text) return guardFormula(v);
    return v;
  });
}
