import type { Pricing, ProviderId, Usage } from '../contract/common.js';
import type { CostSource } from '../contract/usage.js';
import { nanoToUsd, usdToNano } from './money.js';
import { pricingForPrompt, promptTokensOf, type PricingTier } from './tiers.js';

/** A provider-reported cost further than this from price × tokens is flagged in Usage. */
export const COST_MISMATCH_FRACTION = 0.01;

/**
 * Anthropic prices a 1-hour cache write at twice the base input price (a 5-minute write at 1.25×,
 * which is the catalog's `cacheWrite`). The catalog carries no 1-hour price, so it is derived here,
 * in one place, for Claude models wherever they are served; an explicit `cacheWrite1h` wins.
 */
export const ANTHROPIC_CACHE_WRITE_1H_PER_INPUT = 2;

/** A model's prices as a call sees them. */
export interface PricedModel {
  provider: ProviderId;
  id: string;
  pricing: Pricing | null;
  pricingTiers?: readonly PricingTier[] | undefined;
}

/** What a call is recorded at, and how that was decided. */
export interface SettledCost {
  /** Integer nano-USD: the provider-reported cost when it sent one, else price × tokens; null when neither is known. */
  nano: number | null;
  source: CostSource | null;
  /** price × tokens at this snapshot: the cost itself, or the cross-check of a reported one. */
  priceNano: number | null;
  /** The prices of the tier the prompt fell in (what the ledger keeps with the call). */
  pricing: Pricing | null;
  /** A reported cost differs from price × tokens by more than COST_MISMATCH_FRACTION. */
  mismatch: boolean;
}

/**
 * The one place a call is priced: a model's prices at one moment (base, long-prompt tiers, 5-minute
 * and 1-hour cache writes), able to reserve (the worst case before the call), settle (what it cost)
 * and estimate (the next turn's range). Admission, the ledger, chat.send's answer and chat.estimate
 * all ask it, so a price rule changes here or nowhere.
 *
 * Money: integer nano-USD (money.ts). A kind of token that was used and has no price makes the
 * cost unknown (null), never 0.
 */
export class PriceSnapshot {
  readonly base: Pricing | null;
  readonly tiers: readonly PricingTier[];

  constructor(base: Pricing | null, tiers: readonly PricingTier[] | null | undefined = [], claude = false) {
    this.base = base ? withCacheWrite1h(base, claude) : null;
    // Tiers belong to a price: an unknown price has none to keep.
    this.tiers = base && tiers ? tiers.map((t) => ({ aboveInputTokens: t.aboveInputTokens, pricing: withCacheWrite1h(t.pricing, claude) })) : [];
  }

  static of(model: PricedModel | null): PriceSnapshot {
    if (!model) return UNKNOWN;
    return new PriceSnapshot(model.pricing, model.pricingTiers, isClaude(model.provider, model.id));
  }

  /** The prices a prompt of this many tokens is billed at. */
  at(promptTokens: number): Pricing | null {
    return pricingForPrompt(this.base, this.tiers, promptTokens);
  }

  /**
   * The most a call can cost before it is made: every prompt token at the full input price plus
   * every allowed output token, at the tier the prompt falls in. Our requests ask for no cache
   * writes, so a prompt token never costs more than the input price. null when input or output has no price.
   */
  reserveNano(promptTokens: number, maxOutputTokens: number): number | null {
    const p = this.at(promptTokens);
    if (!p || p.input === null || p.output === null) return null;
    return Math.round((promptTokens * p.input + maxOutputTokens * p.output) * 1000);
  }

  /** What a call cost: the provider's reported amount when it gave one (checked against price × tokens), else price × tokens. */
  settle(usage: Usage, reportedCostUsd?: number | null): SettledCost {
    const pricing = this.at(promptTokensOf(usage));
    const priceNano = microUsd(usage, pricing);
    const priced = priceNano === null ? null : Math.round(priceNano * 1000);
    const reported = usdToNano(reportedCostUsd);
    if (reported === null) return { nano: priced, source: priced === null ? null : 'price', priceNano: priced, pricing, mismatch: false };
    return { nano: reported, source: 'provider-reported', priceNano: priced, pricing, mismatch: priced !== null && costsDiffer(reported, priced) };
  }

  /** USD cost of usage at these prices (null when unknown). */
  costUsd(usage: Usage): number | null {
    const micro = microUsd(usage, this.at(promptTokensOf(usage)));
    return micro === null ? null : micro / 1e6;
  }

  /** The next turn's cost range: the prompt alone (an empty answer) up to every allowed output token. */
  estimate(promptTokens: number, maxOutputTokens: number): { minUsd: number | null; maxUsd: number | null } {
    const p = this.at(promptTokens);
    const min = p && p.input !== null ? (promptTokens * p.input) / 1e6 : null;
    const max = this.reserveNano(promptTokens, maxOutputTokens);
    return { minUsd: min, maxUsd: max === null ? null : nanoToUsd(max) };
  }
}

const UNKNOWN = new PriceSnapshot(null);

/** Claude models, wherever served (Anthropic, OpenRouter's anthropic/…, a proxy's claude-…). */
export function isClaude(provider: ProviderId, model: string): boolean {
  return provider === 'anthropic' || /(^|\/)(anthropic\/)?claude/i.test(model);
}

function withCacheWrite1h(p: Pricing, claude: boolean): Pricing {
  // Elsewhere a 1-hour write (never seen outside Claude) is priced as any cache write.
  if (p.cacheWrite1h !== undefined || !claude) return { ...p };
  return { ...p, cacheWrite1h: p.input === null ? null : p.input * ANTHROPIC_CACHE_WRITE_1H_PER_INPUT };
}

/** Whether a reported cost and price × tokens differ by more than the mismatch fraction of the larger (any difference when one is 0). */
export function costsDiffer(a: number, b: number): boolean {
  return Math.abs(a - b) > COST_MISMATCH_FRACTION * Math.max(a, b);
}

/**
 * Σ tokens × price-per-million (so micro-USD), or null when a used kind of token has no price.
 * 1-hour cache writes are the part of cacheWriteTokens at the 1-hour price.
 */
function microUsd(usage: Usage, pricing: Pricing | null): number | null {
  if (!pricing) return null;
  const write1h = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  const parts: Array<[number, number | null | undefined]> = [
    [usage.inputTokens, pricing.input],
    [usage.cacheReadTokens, pricing.cacheRead],
    [usage.cacheWriteTokens - write1h, pricing.cacheWrite],
    [write1h, pricing.cacheWrite1h ?? pricing.cacheWrite],
    [usage.outputTokens, pricing.output],
  ];
  let micro = 0;
  for (const [tokens, price] of parts) {
    if (tokens === 0) continue;
    if (price === null || price === undefined) return null;
    micro += tokens * price;
  }
  return micro;
}
