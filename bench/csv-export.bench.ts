import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { csvExportInChild } from './lib/csv-export-child.js';
import { machineRow } from './lib/machine.js';
import type { Bench, BenchRow } from './lib/types.js';
import { benchTempDir, sharedUsageDb, usageDbRow } from './lib/usage-db.js';

const BENCH = 'csv export';
/** The export holds one page of rows at a time; the heap after GC may move by less than this while it runs. */
const FLAT_MB = 20;

/**
 * The whole million-call ledger exported as CSV through metering.exportCsv (what Core.exportCsv hands
 * the web host: pages of 1000 rows read on demand), written to a file with backpressure, in a child
 * process of its own so nothing else shares its heap or CPU time.
 */
const bench: Bench = {
  name: 'csv-export',
  about: 'usage.exportCsv of 1,000,000 calls, streamed to a file in a child process; memory sampled after GC every 100k rows',
  async run() {
    const rows: BenchRow[] = [machineRow(BENCH)];
    const db = sharedUsageDb();
    rows.push(usageDbRow(BENCH, db));
    const outFile = join(benchTempDir('csv-'), 'usage.csv');
    try {
      const r = await csvExportInChild(db.dataDir, outFile, db.keyLabels);
      const seconds = r.exportMs / 1000;
      rows.push({
        bench: BENCH,
        case: `export ${r.rows.toLocaleString('en-US')} rows to a file (child process; load: 1-min avg at its end)`,
        values: { load: loadavg()[0] ?? 0, 's': seconds, 'rows/s': r.rows / seconds, 'file MB': r.bytes / 1e6, 'first rows ms': r.firstRowsMs, n: r.rows },
      });
      const peak = Math.max(r.start.heapMb, r.end.heapMb, ...r.samples.map((s) => s.heapMb));
      const peakRss = Math.max(r.peakRssMb, r.start.rssMb, r.end.rssMb);
      rows.push({
        bench: BENCH,
        case: `memory of that export: heap after GC every 100k rows (${r.samples.length} samples); heap without GC, RSS after every page`,
        values: {
          'heap start MB': r.start.heapMb,
          'heap end MB': r.end.heapMb,
          'peak heap MB': peak,
          'peak heap no-GC MB': r.peakHeapNoGcMb,
          'RSS start MB': r.start.rssMb,
          'peak RSS MB': peakRss,
        },
        target: `flat heap (peak − start < ${FLAT_MB} MB)`,
        met: peak - r.start.heapMb < FLAT_MB,
      });
      process.stderr.write(
        `bench: csv export heap after GC (MB) at 0, 100k … rows: ${[r.start, ...r.samples, r.end].map((s) => s.heapMb.toFixed(1)).join(' ')}; ` +
          `RSS (MB): ${[r.start, ...r.samples, r.end].map((s) => s.rssMb.toFixed(0)).join(' ')}; sampling GCs took ${r.gcMs.toFixed(0)} ms (not counted)\n`,
      );
    } finally {
      rmSync(outFile, { force: true });
    }
    return rows;
  },
};
export default bench;
