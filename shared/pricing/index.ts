export { NANO_PER_USD, nanoToUsd, usdToNano } from './money.js';
export { pricingForPrompt, promptTokensOf, type PricingTier } from './tiers.js';
export { checkPricePerMillion, MAX_PLAUSIBLE_PRICE, MIN_PLAUSIBLE_PRICE } from './sanity.js';
export {
  ANTHROPIC_CACHE_WRITE_1H_PER_INPUT,
  COST_MISMATCH_FRACTION,
  costsDiffer,
  isClaude,
  PriceSnapshot,
  type PricedModel,
  type SettledCost,
} from './price-snapshot.js';
