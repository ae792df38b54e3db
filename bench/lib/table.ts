import type { BenchRow } from './types.js';

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Prints rows as a fixed-width table, one column per value name. */
export function renderTable(rows: BenchRow[]): string {
  const columns = ['bench', 'case', ...new Set(rows.flatMap((r) => Object.keys(r.values))), 'target'];
  const cells = rows.map((r) =>
    columns.map((c) => {
      if (c === 'bench') return r.bench;
      if (c === 'case') return r.case;
      if (c === 'target') return r.target ? `${r.target} ${r.met === undefined ? '' : r.met ? '✓' : '✗'}`.trim() : '';
      const v = r.values[c];
      return v === undefined ? '' : fmt(v);
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
