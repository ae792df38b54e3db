// The ledger keeps money as integer nano-USD (1e-9 USD). A token priced at $0.0028 per million
// (the cheapest cache reads in the catalog) costs 2.8 nano-USD, so rounding one call to the nearest
// nano-USD errs by at most 0.5e-9 USD: ten million calls stay within half a cent. Integer sums in
// SQLite are exact, and stay exact in a JS number up to 2^53 nano-USD (about 9 million USD).

export const NANO_PER_USD = 1e9;

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

/** USD to whole nano-USD; null for anything that is not a finite amount of 0 or more. */
export function usdToNano(usd: unknown): number | null {
  return typeof usd === 'number' && Number.isFinite(usd) && usd >= 0 ? Math.round(usd * NANO_PER_USD) : null;
}
