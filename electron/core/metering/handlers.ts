import { AppError, type TimeInput } from '../../../shared/contract/index.js';
import type { PartialHandlers } from '../app/handlers.js';
import { exportCsv, type CsvExport } from './csv-export.js';
import { toRecord, type Ledger, type RecordsFilter } from './ledger.js';
import type { SessionTitles } from './session-titles.js';
import { queryUsage, rangeMs, resolveZone } from './usage-query.js';

export interface UsageHandlerDeps {
  ledger: Ledger;
  /** The limits time zone: day, week and month boundaries and date-only bounds follow it. */
  timeZone: () => string;
  keyLabels?: () => Promise<Map<string, string>> | Map<string, string>;
  /** Conversation titles the app reported (usage.setSessionTitles), for the CSV. */
  titles?: SessionTitles;
  now: () => number;
}

const DEFAULT_PAGE = 100;

function encodeCursor(c: { time: number; seq: number }): string {
  return Buffer.from(`${c.time}.${c.seq}`).toString('base64url');
}

function decodeCursor(cursor: string): { time: number; seq: number } {
  const m = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError('VALIDATION', 'cursor: not a cursor from usage.records (pass nextCursor back unchanged)', { field: 'cursor' });
  return { time: Number(m[1]), seq: Number(m[2]) };
}

/** The CSV behind usage.exportCsv (Core.exportCsv): streamed page by page. */
export function usageCsv(deps: UsageHandlerDeps, request: { from?: TimeInput; to?: TimeInput }): CsvExport {
  const z = resolveZone(deps.timeZone());
  const titles = deps.titles;
  const options = {
    zone: z,
    now: deps.now(),
    ...(deps.keyLabels ? { keyLabels: deps.keyLabels } : {}),
    ...(titles ? { sessionTitles: (ids: string[]) => titles.lookup(ids) } : {}),
  };
  return exportCsv(deps.ledger, rangeMs(request.from, request.to, z), options);
}

export function usageHandlers(deps: UsageHandlerDeps): PartialHandlers<'usage.query' | 'usage.records' | 'usage.exportCsv' | 'usage.setSessionTitles' | 'usage.sessionTitles'> {
  return {
    'usage.setSessionTitles': (request) => {
      // Without the titles file (its notice says why) titles are not kept; chat goes on regardless.
      if (!deps.titles) return { saved: 0 };
      return { saved: deps.titles.set(request.titles, deps.now()) };
    },
    'usage.sessionTitles': (request) => ({ titles: deps.titles ? Object.fromEntries(deps.titles.lookup(request.sessionIds)) : {} }),
    'usage.query': (request) => {
      const { plan: _plan, ...result } = queryUsage(deps.ledger, request, deps.timeZone());
      return result;
    },
    'usage.records': (request) => {
      const filter: RecordsFilter = rangeMs(request.from, request.to, resolveZone(deps.timeZone()));
      if (request.sessionId !== undefined) filter.sessionId = request.sessionId;
      if (request.provider !== undefined) filter.provider = request.provider;
      const page = deps.ledger.records(filter, request.limit ?? DEFAULT_PAGE, request.cursor ? decodeCursor(request.cursor) : null);
      return { records: page.rows.map(toRecord), nextCursor: page.next ? encodeCursor(page.next) : null };
    },
    // The transports stream the file through Core.exportCsv (web host: text/csv; Electron: a save
    // dialog). Reached directly, this answers how many rows an export would hold without writing one.
    'usage.exportCsv': (request) => ({ saved: false, rows: deps.ledger.count(rangeMs(request.from, request.to, resolveZone(deps.timeZone()))) }),
  };
}
