import type { Pricing, Usage } from './contract/common.js';

/**
 * USD cost of one call from normalised usage and prices per million tokens (DESIGN.md section 2):
 * (input × in + cacheRead × read + cacheWrite × write + output × out) / 1e6.
 * null when the model has no price, or when tokens of a kind were used whose price is unknown:
 * an unknown cost is never reported as 0.
 */
export function costUsd(usage: Usage, pricing: Pricing | null): number | null {
  const micro = microUsd(usage, pricing);
  return micro === null ? null : micro / 1e6;
}

/** Σ tokens × price-per-million (so micro-USD), or null when a used kind of token has no price. */
function microUsd(usage: Usage, pricing: Pricing | null): number | null {
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
  return micro;
}

/** Worst-case cost reserved before a call: every prompt token at the full input price plus every allowed output token. */
export function worstCaseCostUsd(promptTokens: number, maxOutputTokens: number, pricing: Pricing | null): number | null {
  if (!pricing || pricing.input === null || pricing.output === null) return null;
  return (promptTokens * pricing.input + maxOutputTokens * pricing.output) / 1e6;
}

// ---- exact money ------------------------------------------------------------------------------
//
// The ledger keeps money as integer nano-USD (1e-9 USD). A token priced at $0.0028 per million
// (the cheapest cache reads in the catalog) costs 2.8 nano-USD, so rounding one call to the nearest
// nano-USD errs by at most 0.5e-9 USD: ten million calls stay within half a cent. Integer sums in
// SQLite are exact, and stay exact in a JS number up to 2^53 nano-USD (about 9 million USD).

export const NANO_PER_USD = 1e9;

/** Integer nano-USD of a call, or null when its cost is unknown (same rules as costUsd). */
export function costNanoUsd(usage: Usage, pricing: Pricing | null): number | null {
  const micro = microUsd(usage, pricing);
  return micro === null ? null : Math.round(micro * 1000);
}

/** Worst-case reservation in nano-USD: every prompt token at the input price plus every allowed output token. */
export function worstCaseNanoUsd(promptTokens: number, maxOutputTokens: number, pricing: Pricing | null): number | null {
  if (!pricing || pricing.input === null || pricing.output === null) return null;
  return Math.round((promptTokens * pricing.input + maxOutputTokens * pricing.output) * 1000);
}

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

// ---- long-prompt price tiers --------------------------------------------------------------------

/** Prices that apply instead of the base prices when a prompt is longer than `aboveInputTokens` (Gemini Pro > 200k, GPT-5.4 > 272k). */
export interface PricingTier {
  aboveInputTokens: number;
  pricing: Pricing;
}

/** Every prompt token of a call, cached or not: what long-prompt tiers are measured against. */
export function promptTokensOf(usage: Pick<Usage, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** The prices that apply to a prompt of this length: the highest tier it exceeds, else the base prices. */
export function pricingForPrompt(pricing: Pricing | null, tiers: readonly PricingTier[] | undefined, promptTokens: number): Pricing | null {
  if (!pricing || !tiers || tiers.length === 0) return pricing;
  let chosen: PricingTier | null = null;
  for (const tier of tiers) {
    if (promptTokens > tier.aboveInputTokens && (!chosen || tier.aboveInputTokens > chosen.aboveInputTokens)) chosen = tier;
  }
  return chosen ? chosen.pricing : pricing;
}

// ---- price sanity ---------------------------------------------------------------------------------

/** Lowest non-zero price per million tokens that is plausible (the cheapest real one is $0.0028). */
export const MIN_PLAUSIBLE_PRICE = 0.001;
/** Highest plausible price per million tokens (the dearest real one is about $600). */
export const MAX_PLAUSIBLE_PRICE = 5000;

/**
 * Why a price per million tokens is implausible, or null when it looks right. A price typed per
 * token (0.0000025 for $2.50 per million) is a known source of wrong bills: it is refused with the
 * per-million value it probably meant.
 */
export function checkPricePerMillion(price: number): string | null {
  if (!Number.isFinite(price) || price < 0) return 'must be a number of USD per million tokens, 0 or more';
  if (price > 0 && price < MIN_PLAUSIBLE_PRICE) {
    const perMillion = +(price * 1e6).toPrecision(6);
    return `${price} looks like a price per token; prices are per million tokens (did you mean ${perMillion}?)`;
  }
  if (price > MAX_PLAUSIBLE_PRICE) return `${price} USD per million tokens is above ${MAX_PLAUSIBLE_PRICE}; prices are per million tokens, not per billion`;
  return null;
}
