import { availableParallelism, loadavg } from 'node:os';
import type { BenchRow } from './types.js';

/** How busy the machine was when a bench started: tail latencies on a loaded machine are mostly its noise. */
export function machineRow(bench: string): BenchRow {
  const [load1 = 0] = loadavg();
  return { bench, case: '(machine: 1-min load avg, cpus)', values: { load: load1, cpus: String(availableParallelism()) } };
}
