import { stringify } from 'csv-stringify/sync';
import type { UsageRecord } from '../../shared/contract/index.js';
import { CSV_HEADERS, csvCells, guardFormula } from '../../shared/csv-columns.js';
import { CsvRowWriter, localIso, STRINGIFY } from '../../electron/core/metering/csv-export.js';
import { zone } from '../../electron/core/metering/time-zone.js';
import type { Db } from '../db/pool.js';
import { callRecord } from './call-record.js';
import type { Range } from './range.js';

/** The team's columns first, then the app's own usage.exportCsv columns (shared/csv-columns.ts) for each call. */
export const TEAM_CSV_HEADERS = ['member_id', 'member_name', 'origin', 'device_id', ...CSV_HEADERS];

const PAGE = 2000;

interface Row {
  origin: 'server' | 'synced';
  id: string;
  member_id: string;
  member_name: string;
  device_id: string | null;
  time: Date;
  session_id: string | null;
  provider: string;
  model: string;
  key_id: string | null;
  source: string;
  status: string;
  error_code: string | null;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  estimated: boolean;
  cost_nano: number | null;
  pricing: UsageRecord['pricing'];
  latency_ms: number | null;
  ttft_ms: number | null;
  attempt: number | null;
  kind: UsageRecord['kind'] | null;
  retry_of: string | null;
  fallback_of: string | null;
  replaced_key_id: string | null;
  reserved_tokens: number | null;
  reserved_nano: number | null;
  settled_at: Date | null;
}

/**
 * Every call in the range, through the server and synced, oldest first, as RFC 4180 CSV streamed page
 * by page (keyset on time and id), so memory stays flat whatever the size. Team key ids appear, never
 * a secret; member names are guarded against spreadsheet formulas like every typed text.
 */
export function teamCsv(db: Db, range: Range): { filename: string; chunks: AsyncIterable<string> } {
  const z = zone(range.timeZone);
  const filename = `switchboard-team-usage-${new Date(range.from).toISOString().slice(0, 10)}.csv`;
  async function* chunks(): AsyncGenerator<string> {
    const writer = new CsvRowWriter();
    yield stringify([TEAM_CSV_HEADERS], STRINGIFY);
    let after: { time: Date; id: string } | null = null;
    for (;;) {
      const r: { rows: Row[] } = await db.query<Row>(PAGE_SQL, [new Date(range.from), new Date(range.to), after?.time ?? null, after?.id ?? null, PAGE]);
      if (r.rows.length === 0) return;
      yield writer.rows(
        r.rows.map((row) => [row.member_id, guardFormula(row.member_name), row.origin, row.device_id === null ? null : guardFormula(row.device_id), ...csvCells({ record: callRecord(row), keyLabel: null, localTime: localIso(z, row.time.getTime()) })]),
      );
      const last: Row = r.rows[r.rows.length - 1]!;
      after = { time: last.time, id: last.id };
      if (r.rows.length < PAGE) return;
    }
  }
  return { filename, chunks: chunks() };
}

const PAGE_SQL = /* sql */ `
  SELECT * FROM (
    SELECT 'server' AS origin, c.id::text AS id, c.member_id, m.name AS member_name, NULL::text AS device_id, c.time, c.session_id,
      c.provider, c.model, c.key_id::text AS key_id, 'team' AS source, c.status, c.error_code,
      c.input_tokens, c.cache_read_tokens, c.cache_write_tokens, c.output_tokens, c.reasoning_tokens, c.estimated, c.cost_nano,
      c.pricing, c.latency_ms, c.ttft_ms, c.attempt, c.kind, c.retry_of::text AS retry_of, c.fallback_of::text AS fallback_of,
      c.replaced_key_id::text AS replaced_key_id, c.reserved_tokens, c.reserved_nano, c.settled_at
    FROM calls c JOIN members m ON m.id = c.member_id
    WHERE c.status <> 'reserved' AND c.time >= $1 AND c.time < $2
      AND ($3::timestamptz IS NULL OR (c.time, c.id::text) > ($3, $4))
    UNION ALL
    SELECT 'synced', s.record_id, s.member_id, m.name, s.device_id, s.time, s.session_id,
      s.provider, s.model, NULL, s.source, s.status, s.error_code,
      s.input_tokens, s.cache_read_tokens, s.cache_write_tokens, s.output_tokens, s.reasoning_tokens, s.estimated, s.cost_nano,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, s.received_at
    FROM synced_usage s JOIN members m ON m.id = s.member_id
    WHERE s.time >= $1 AND s.time < $2
      AND ($3::timestamptz IS NULL OR (s.time, s.record_id) > ($3, $4))
  ) u
  ORDER BY time, id
  LIMIT $5`;
