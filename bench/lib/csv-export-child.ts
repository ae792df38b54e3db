// The CSV export of a whole ledger in a fresh process (`node --expose-gc --import tsx
// bench/lib/csv-export-child.ts <dataDir> <outFile> <labels.json>`), so its heap and RSS are the
// export's alone. Streams metering.exportCsv (what Core.exportCsv returns to the web host) into a
// file with the host's backpressure handling, and samples memory after a forced GC every ~100k rows.
// Prints one JSON line (CsvChildResult) on stdout. Run by csv-export.bench.ts.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { silentLogger } from '../../electron/core/app/logger.js';
import { createMetering } from '../../electron/core/metering/create-metering.js';

const SAMPLE_EVERY = 100_000;
const MB = 1024 * 1024;

export interface MemorySample {
  rows: number;
  /** V8 heap in use right after a full GC, MB: what the export keeps alive. */
  heapMb: number;
  rssMb: number;
}

export interface CsvChildResult {
  rows: number;
  bytes: number;
  /** Start of the export to the file closed, without the forced GCs of the sampling. */
  exportMs: number;
  /** Time spent in those GCs (excluded above). */
  gcMs: number;
  /** Export started to the first page of rows written: when a download starts to arrive. */
  firstRowsMs: number;
  start: MemorySample;
  end: MemorySample;
  samples: MemorySample[];
  /**
   * Highest RSS and V8 heap in use (no forced GC) seen after any page, MB: between collections the
   * heap holds the garbage of many pages. (getrusage's maxRSS is no use here: on Linux a spawned
   * child inherits the parent's peak.)
   */
  peakRssMb: number;
  peakHeapNoGcMb: number;
}

function countLines(chunk: string): number {
  let n = 0;
  for (let i = chunk.indexOf('\r\n'); i !== -1; i = chunk.indexOf('\r\n', i + 2)) n++;
  return n;
}

async function exportOnce(dataDir: string, outFile: string, labels: Map<string, string>): Promise<CsvChildResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  let gcMs = 0;
  const sample = (rows: number): MemorySample => {
    const t0 = performance.now();
    gc();
    gcMs += performance.now() - t0;
    const m = process.memoryUsage();
    return { rows, heapMb: m.heapUsed / MB, rssMb: m.rss / MB };
  };
  const metering = createMetering({ dataDir, logger: silentLogger, emit: () => {}, keyLabels: () => labels });
  try {
    const start = sample(0);
    gcMs = 0;
    const out = createWriteStream(outFile, { mode: 0o600 });
    const t0 = performance.now();
    const download = metering.exportCsv({});
    let lines = 0;
    let firstRowsMs = NaN;
    let next = SAMPLE_EVERY;
    const samples: MemorySample[] = [];
    let peakRssMb = 0;
    let peakHeapNoGcMb = 0;
    for await (const chunk of download.chunks) {
      lines += countLines(chunk);
      const m = process.memoryUsage();
      peakRssMb = Math.max(peakRssMb, m.rss / MB);
      peakHeapNoGcMb = Math.max(peakHeapNoGcMb, m.heapUsed / MB);
      // As the web host does: wait for the sink to drain rather than buffering the file in memory.
      if (!out.write(chunk)) await once(out, 'drain');
      if (Number.isNaN(firstRowsMs) && lines > 1) firstRowsMs = performance.now() - t0;
      if (lines - 1 >= next) {
        samples.push(sample(lines - 1));
        next += SAMPLE_EVERY;
      }
    }
    out.end();
    await once(out, 'finish');
    const exportMs = performance.now() - t0 - gcMs;
    const end = sample(lines - 1);
    return { rows: lines - 1, bytes: out.bytesWritten, exportMs, gcMs, firstRowsMs, start, end, samples, peakRssMb, peakHeapNoGcMb };
  } finally {
    await metering.close();
  }
}

/** Runs the export in a child process and returns what it measured. */
export function csvExportInChild(dataDir: string, outFile: string, labels: Map<string, string>): Promise<CsvChildResult> {
  return new Promise((resolve, reject) => {
    // cwd: the repository root, where `--import tsx` resolves.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), dataDir, outFile, JSON.stringify([...labels])];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`csv-export child exited ${code}: ${err.slice(-800)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as CsvChildResult);
      } catch {
        reject(new Error(`csv-export child: unreadable output ${out.slice(-300)}`));
      }
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dataDir, outFile, labelsJson] = process.argv.slice(2);
  if (!dataDir || !outFile) throw new Error('usage: csv-export-child.ts <dataDir> <outFile> [labels.json]');
  const labels = new Map<string, string>(labelsJson ? (JSON.parse(labelsJson) as Array<[string, string]>) : []);
  const result = await exportOnce(dataDir, outFile, labels);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
