import type { Usage } from '../../../../shared/contract/index.js';
import { formatWhen } from '../../ui/datetime.js';
import { formatCostExact, formatCostShort } from '../usage/money.js';

/** 1234 → "1,234". */
export function formatTokenCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface UsagePart {
  key: 'input' | 'cached' | 'cacheWrite' | 'output' | 'reasoning';
  label: string;
  value: number;
}

/**
 * The token counts worth showing for one answer: input and output always, cache reads, cache writes
 * and reasoning only when there were some. Reasoning is part of output (DESIGN.md section 2), so it
 * is shown as "of which".
 */
export function usageParts(usage: Usage): UsagePart[] {
  const parts: UsagePart[] = [{ key: 'input', label: 'in', value: usage.inputTokens }];
  if (usage.cacheReadTokens > 0) parts.push({ key: 'cached', label: 'cached', value: usage.cacheReadTokens });
  if (usage.cacheWriteTokens > 0) parts.push({ key: 'cacheWrite', label: 'cache write', value: usage.cacheWriteTokens });
  parts.push({ key: 'output', label: 'out', value: usage.outputTokens });
  if (usage.reasoningTokens > 0) parts.push({ key: 'reasoning', label: 'reasoning', value: usage.reasoningTokens });
  return parts;
}

/** "1,200 in · 200 cached · 300 out · 40 reasoning". */
export function formatUsage(usage: Usage): string {
  return usageParts(usage)
    .map((p) => `${formatTokenCount(p.value)} ${p.label}`)
    .join(' · ');
}

/**
 * An answer's cost as the ledger recorded it, to the nano-dollar: the same figure as its row in
 * Usage → Calls. `null` is a model without a known price: never shown as $0.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return 'price unknown';
  return formatCostExact(usd);
}

/** The cost range of the next turn: "$0.0002–$0.0098", one value when both ends agree, "price unknown". */
export function formatCostRange(min: number | null, max: number | null): string {
  if (min === null || max === null) return 'price unknown';
  // An estimate: three significant digits say enough.
  const a = formatCostShort(min);
  const b = formatCostShort(max);
  return a === b ? a : `${a}–${b}`;
}

/** When a limit resets, in the limit's own time zone: "Jun 2, 12:00 AM (Europe/Berlin)". */
export function formatResetTime(ms: number, timeZone: string, locale?: string): string {
  return `${formatWhen(ms, timeZone, { locale })} (${timeZone})`;
}

/**
 * A limit refusal as the core wrote it, without its own "It resets at Dec 8, 00:00 (UTC)." sentence:
 * the core cannot know the user's locale, so the reset time is shown once, by formatResetTime, in the
 * same form as the limit banner beside it.
 */
export function withoutCoreResetTime(message: string): string {
  return message.replace(/\s*It resets at [^()]*\([^()]*\)\./, '');
}
