/**
 * Kept for imports that predate shared/pricing/ (the catalog generator, catalog code and benches):
 * every price rule lives in shared/pricing/, and a call is priced only through its PriceSnapshot.
 */
export { checkPricePerMillion, MAX_PLAUSIBLE_PRICE, MIN_PLAUSIBLE_PRICE, NANO_PER_USD, nanoToUsd, pricingForPrompt, promptTokensOf, type PricingTier } from './pricing/index.js';
