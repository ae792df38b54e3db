/** One line of the printed table. */
export interface BenchRow {
  bench: string;
  case: string;
  /** Column name → value; numbers are printed with sensible precision. */
  values: Record<string, number | string>;
  /** Optional target in words, e.g. "< 200 ms". */
  target?: string;
  /** Whether the measured value meets the target, when there is one. */
  met?: boolean;
}

export interface Bench {
  name: string;
  /** A one-line description printed above the rows. */
  about: string;
  run(): Promise<BenchRow[]>;
}
