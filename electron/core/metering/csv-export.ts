// csv-stringify: well-kept RFC 4180 writer; quoting of commas, quotes and line breaks is its job, not ours.
import { stringify } from 'csv-stringify/sync';
import { CSV_HEADERS, csvCells } from '../../../shared/csv-columns.js';
import { toRecord, type Ledger, type RecordsFilter } from './ledger.js';
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

const STRINGIFY = { record_delimiter: '\r\n', quoted_match: /^\s|\s$/ } as const;

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
    yield stringify([CSV_HEADERS as string[]], STRINGIFY);
    let after: { time: number; seq: number } | null = null;
    for (;;) {
      const rows = ledger.pageAscending(filter, after, maxSeq, pageSize);
      if (rows.length === 0) return;
      const cells = rows.map((row) => {
        const record = toRecord(row);
        return csvCells({ record, keyLabel: record.keyId ? (labels.get(record.keyId) ?? null) : null, localTime: localIso(zone, record.time) });
      });
      yield stringify(cells, STRINGIFY);
      const last = rows[rows.length - 1]!;
      after = { time: last.time, seq: last.seq };
      if (rows.length < pageSize) return;
      // Let other requests run between pages of a long export.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  return { filename, chunks: chunks() };
}
