/** Nearest-rank percentile of already-collected samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(samples: number[]): { n: number; p50: number; p99: number; mean: number } {
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), mean };
}

/** Times one async operation in microseconds. */
export async function timeUs(op: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await op();
  return Number(process.hrtime.bigint() - t0) / 1000;
}
