// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named ones) and prints one table.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderTable } from './lib/table.js';
import type { Bench, BenchRow } from './lib/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

const all: BenchRow[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  const bench = mod.default;
  process.stderr.write(`bench: ${bench.name} — ${bench.about}\n`);
  const started = Date.now();
  const rows = await bench.run();
  process.stderr.write(`bench: ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  all.push(...rows);
}

console.log(renderTable(all));
const out = join(here, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, rows: all }, null, 2));
// Benchmarks report; they never fail the run (targets are shown as ✓/✗ in the table).
process.exit(0);
