import { z } from 'zod';
import { TimeInput } from '../../shared/contract/index.js';
import { AppError } from '../../shared/contract/index.js';
import { rangeMs } from '../../electron/core/metering/usage-query.js';
import { zone } from '../../electron/core/metering/time-zone.js';
import { ApiError } from '../http/errors.js';
import { parseWith } from '../http/body.js';

/** The last instant a JavaScript Date (and so PostgreSQL's timestamptz from it) can hold. */
const LAST_TIME_MS = 8.64e15;

/** Epoch ms as digits; a number past any date is refused here, never handed to the database as NaN. */
const EpochMs = z
  .string()
  .regex(/^\d+$/)
  .transform(Number)
  .refine((n) => n <= LAST_TIME_MS, 'epoch milliseconds past the last possible date');

/** `?from=&to=`: dates (YYYY-MM-DD, whole days in the team's time zone), ISO times or epoch ms. */
export const RangeQuery = z
  .object({
    from: z.union([EpochMs, TimeInput]).optional(),
    to: z.union([EpochMs, TimeInput]).optional(),
  })
  .strict();

export interface Range {
  from: number;
  to: number;
  timeZone: string;
}

/** The range asked for, by the app's own rules (rangeMs); the current month of the team's time zone by default. */
export function parseRange(query: URLSearchParams, timeZone: string, now = Date.now()): Range {
  const q = parseWith(RangeQuery, Object.fromEntries(query), 'query');
  const z0 = zone(timeZone);
  let r: { from?: number; to?: number };
  try {
    r = rangeMs(q.from, q.to, z0);
  } catch (err) {
    if (err instanceof AppError) throw new ApiError(400, 'VALIDATION', err.message, { param: String(err.details?.field ?? 'from') });
    throw err;
  }
  const month = z0.monthWindow(now);
  const from = r.from ?? (r.to !== undefined && r.to <= month.start ? 0 : month.start);
  const to = r.to ?? month.end;
  return { from, to, timeZone };
}
