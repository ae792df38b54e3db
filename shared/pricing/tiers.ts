import type { Pricing, Usage } from '../contract/common.js';

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
export function pricingForPrompt(pricing: Pricing | null, tiers: readonly PricingTier[] | undefined | null, promptTokens: number): Pricing | null {
  if (!pricing || !tiers || tiers.length === 0) return pricing;
  let chosen: PricingTier | null = null;
  for (const tier of tiers) {
    if (promptTokens > tier.aboveInputTokens && (!chosen || tier.aboveInputTokens > chosen.aboveInputTokens)) chosen = tier;
  }
  return chosen ? chosen.pricing : pricing;
}
