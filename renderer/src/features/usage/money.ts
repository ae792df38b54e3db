import type { UsageTotals } from '../../../../shared/contract/index.js';

// Costs come from the ledger in whole nano-USD, so nine decimals is the exact value; anything past
// that is float noise from the conversion.
const EXACT_DECIMALS = 9;

const formats = new Map<string, Intl.NumberFormat>();
function usd(minDecimals: number, maxDecimals: number, locale: string | undefined): Intl.NumberFormat {
  const id = `${locale ?? ''}|${minDecimals}|${maxDecimals}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: minDecimals, maximumFractionDigits: maxDecimals });
    formats.set(id, f);
  }
  return f;
}

/**
 * A cost as exactly as it was recorded: at least cents, and every non-zero digit down to the
 * nano-dollar ($0.000345, $0.00983475, $1.50). Null is an unknown price, never $0.
 */
export function formatCostExact(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  return usd(2, EXACT_DECIMALS, locale).format(value);
}

/**
 * A total to the cent ($12.35). A total that is not zero but under a cent shows three significant
 * digits ($0.000345) instead of a misleading $0.00; the exact value goes in a tooltip
 * (formatCostExact).
 */
export function formatCostTotal(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  if (value > 0 && value < 0.01) return formatCostShort(value, locale);
  return usd(2, 2, locale).format(value);
}

/**
 * Short but never misleading: cents from $1 up, three significant digits below ($0.0123,
 * $0.000345), so a cheap conversation does not read "$0.00". Exact value: formatCostExact.
 */
export function formatCostShort(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  if (value === 0 || value >= 1) return usd(2, 2, locale).format(value);
  const decimals = Math.min(EXACT_DECIMALS, Math.max(2, 2 - Math.floor(Math.log10(value))));
  return usd(2, decimals, locale).format(value);
}

/** Short form for chart axes: $0, $0.0004, $0.25, $12, $1.2K. */
export function formatCostAxis(value: number, locale?: string): string {
  if (value === 0) return usd(0, 0, locale).format(0);
  if (Math.abs(value) < 1) return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 }).format(value);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', notation: 'compact', maximumSignificantDigits: 3 }).format(value);
}

/** A price in USD per million tokens, as the catalog gives it ($2.50, $0.075); null is "not offered / not known". */
export function formatPricePerMillion(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined) return '—';
  return usd(2, 6, locale).format(value);
}

export function formatTokens(n: number, locale?: string): string {
  return n.toLocaleString(locale);
}

/** 950, 12.3K, 4.5M for axes and tight spaces. */
export function formatTokensCompact(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 }).format(n);
}

export function plural(n: number, one: string, many: string, locale?: string): string {
  return `${n.toLocaleString(locale)} ${n === 1 ? one : many}`;
}

/** "3 calls with unknown price": those calls are never counted as $0. */
export function unknownPriceNote(calls: number, locale?: string): string {
  return `${plural(calls, 'call', 'calls', locale)} with unknown price`;
}

/** All tokens a call was billed for: prompt (incl. cache reads and writes) plus output (incl. reasoning). */
export function totalTokens(t: Pick<UsageTotals, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'outputTokens'>): number {
  return t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens + t.outputTokens;
}

export interface CostView {
  /** What to show: a total to the cent, or "unknown" when no call had a price. */
  text: string;
  /** Tooltip: the exact value, and why part of it is missing. */
  title: string;
  /** "2 calls with unknown price", shown beside the total. */
  note: string | null;
}

/** How a period's cost reads: unknown-price calls are named, never folded into the sum as $0. */
export function describeTotalCost(t: Pick<UsageTotals, 'calls' | 'costUsd' | 'unknownCostCalls'>, locale?: string): CostView {
  const note = t.unknownCostCalls > 0 ? unknownPriceNote(t.unknownCostCalls, locale) : null;
  if (t.calls > 0 && t.unknownCostCalls === t.calls) {
    return { text: 'unknown', title: 'None of these calls has a known price. Set prices on the Models page.', note };
  }
  const exact = formatCostExact(t.costUsd, locale);
  return {
    text: formatCostTotal(t.costUsd, locale),
    title: note ? `Exactly ${exact}, plus ${note}` : `Exactly ${exact}`,
    note,
  };
}
