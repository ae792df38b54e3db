import type { Pricing, Usage } from './contract/common.js';

/**
 * USD cost of one call from normalised usage and prices per million tokens (DESIGN.md section 2):
 * (input × in + cacheRead × read + cacheWrite × write + output × out) / 1e6.
 * null when the model has no price, or when tokens of a kind were used whose price is unknown:
 * an unknown cost is never reported as 0.
 */
export function costUsd(usage: Usage, pricing: Pricing | null): number | null {
  if (!pricing) return null;
  const parts: Array<[number, number | null]> = [
    [usage.inputTokens, pricing.input],
    [usage.cacheReadTokens, pricing.cacheRead],
    [usage.cacheWriteTokens, pricing.cacheWrite],
    [usage.outputTokens, pricing.output],
  ];
  let micro = 0;
  for (const [tokens, price] of parts) {
    if (tokens === 0) continue;
    if (price === null) return null;
    micro += tokens * price;
  }
  return micro / 1e6;
}

/** Worst-case cost reserved before a call: every prompt token at the full input price plus every allowed output token. */
export function worstCaseCostUsd(promptTokens: number, maxOutputTokens: number, pricing: Pricing | null): number | null {
  if (!pricing || pricing.input === null || pricing.output === null) return null;
  return (promptTokens * pricing.input + maxOutputTokens * pricing.output) / 1e6;
}
