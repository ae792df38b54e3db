export interface BackoffOptions {
  /** Wait after the first failure. */
  baseMs: number;
  /** Longest wait between attempts. */
  maxMs: number;
  /** [0, 1); injectable for tests. */
  random: () => number;
}

export const SYNC_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 10 * 60_000, random: Math.random };

/**
 * Wait before the next background attempt after `failures` failures in a row: base·2^(n−1), capped,
 * with "equal jitter" (50–100 %) so many offline apps do not all return at the same second.
 */
export function backoffDelayMs(failures: number, options: BackoffOptions = SYNC_BACKOFF): number {
  if (failures <= 0) return 0;
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(30, failures - 1));
  return Math.round(exp / 2 + (exp / 2) * options.random());
}
