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
