// csv-stringify: well-kept RFC 4180 writer; quoting of commas, quotes and line breaks is its job, not ours.
import { stringify } from 'csv-stringify/sync';
import { CSV_HEADERS, csvCells } from '../../../shared/csv-columns.js';
import type { Ledger, RecordsFilter } from './ledger.js';
import { dayLabel, type Zone } from './time-zone.js';

export interface CsvExportOptions {
  zone: Zone;
  /** Key id → label, read once per export (labels only, never a secret). */
  keyLabels?: () => Promise<Map<string, string>> | Map<string, string>;
  /** Rows read per page; memory stays at one page whatever the ledger's size. */
  pageSize?: number;
  now: number;
}

export interface CsvExport {
  filename: string;
  chunks: AsyncIterable<string>;
}

export const STRINGIFY = { record_delimiter: '\r\n', quoted_match: /^\s|\s$/ } as const;
const RECORD_DELIMITER = STRINGIFY.record_delimiter;
const DELIMITER = ',';

/**
 * What makes csv-stringify (with STRINGIFY) change a cell: the delimiter, the quote, a line break,
 * or whitespace at either end (quoted_match). Any other cell it writes exactly as it is.
 */
const CHANGED_BY_STRINGIFY = /[",\r\n]|^\s|\s$/;
/** Distinct cells kept with their quoted form; repeated labels, models and agents are quoted once. */
const QUOTED_CACHE = 10_000;

/**
 * Writes rows exactly as stringify(rows, STRINGIFY) does, byte for byte (a test compares them),
 * at a fraction of the cost: csv-stringify runs per cell (a context object, a cast and four
 * separator scans each), and nearly every cell of the ledger needs none of it. Each cell that
 * would be quoted or escaped is still quoted by csv-stringify; a cell it would write unchanged is
 * written directly, and rows are joined here.
 */
export class CsvRowWriter {
  private readonly quoted = new Map<string, string>();

  cell(value: string | number | null): string {
    if (value === null) return '';
    // A number's text ('' + n, as csv-stringify's default cast) never holds a delimiter, quote, line break or space.
    if (typeof value === 'number') return '' + value;
    if (!CHANGED_BY_STRINGIFY.test(value)) return value;
    let q = this.quoted.get(value);
    if (q === undefined) {
      q = stringify([[value]], STRINGIFY).slice(0, -RECORD_DELIMITER.length);
      if (this.quoted.size >= QUOTED_CACHE) this.quoted.clear();
      this.quoted.set(value, q);
    }
    return q;
  }

  /** One record per row, each followed by the record delimiter. */
  rows(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
    let out = '';
    for (const row of rows) {
      let line = '';
      for (let i = 0; i < row.length; i++) {
        if (i > 0) line += DELIMITER;
        line += this.cell(row[i]!);
      }
      out += line + RECORD_DELIMITER;
    }
    return out;
  }
}

/** ISO 8601 with the zone's offset, e.g. 2026-03-08T03:30:00.000-04:00. */
export function localIso(zone: Zone, t: number): string {
  const offset = zone.offsetAt(t);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(t + offset).toISOString().slice(0, -1)}${sign}${hh}:${mm}`;
}

/**
 * usage.exportCsv: RFC 4180 (CRLF, quotes doubled), UTF-8, one header row, one row per call,
 * oldest first. Rows are read page by page on demand, so a million-row export holds one page in
 * memory, and rows written while it runs are left out (the export is as of its start).
 */
export function exportCsv(ledger: Ledger, filter: RecordsFilter, options: CsvExportOptions): CsvExport {
  const pageSize = options.pageSize ?? 1000;
  const maxSeq = ledger.maxSeq();
  const today = dayLabel(options.zone.dayIndex(options.now));
  const filename = `switchboard-usage-${today}.csv`;
  const zone = options.zone;

  async function* chunks(): AsyncGenerator<string> {
    const labels = options.keyLabels ? await options.keyLabels() : new Map<string, string>();
    const writer = new CsvRowWriter();
    yield stringify([CSV_HEADERS as string[]], STRINGIFY);
    let after: { time: number; seq: number } | null = null;
    for (;;) {
      const page = ledger.exportPage(filter, after, maxSeq, pageSize);
      if (page.last === null) return;
      const cells = page.records.map((record) =>
        csvCells({
          record,
          keyLabel: record.keyId ? (labels.get(record.keyId) ?? null) : null,
          replacedKeyLabel: record.replacedKeyId ? (labels.get(record.replacedKeyId) ?? null) : null,
          localTime: localIso(zone, record.time),
        }),
      );
      yield writer.rows(cells);
      after = page.last;
      if (page.records.length < pageSize) return;
      // Let other requests run between pages of a long export.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  return { filename, chunks: chunks() };
}
