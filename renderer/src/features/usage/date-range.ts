/**
 * Date ranges for the usage dashboard as local calendar dates (YYYY-MM-DD, both ends included) in
 * the user's time zone. The core reads a date-only bound as that whole local day, so the dates are
 * passed through unchanged and day boundaries are never computed twice.
 */
import { dayLabel, dayOfIsoDate, isoWeekStart as isoWeekStartDay } from '../../../../shared/time-zone.js';

export { isValidTimeZone, machineTimeZone } from '../../../../shared/time-zone.js';

export type RangePreset = 'today' | 'last7' | 'thisMonth' | 'last30' | 'custom';
export type Granularity = 'day' | 'week' | 'month';

export interface DateRange {
  from: string;
  to: string;
}

export const PRESETS: { id: RangePreset; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: 'last7', label: 'Last 7 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'last30', label: 'Last 30 days' },
  { id: 'custom', label: 'Custom' },
];

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date at instant `now` in `timeZone`. */
export function dateIn(timeZone: string, now: number): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(now)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const day = dayOfIsoDate(value);
  return day !== null && dayLabel(day) === value;
}

function dayIndex(date: string): number {
  const day = dayOfIsoDate(date);
  if (day === null) throw new Error(`not a date: ${date}`);
  return day;
}

/** Calendar arithmetic on local dates (no time zone involved: a date is a date). */
export function addDays(date: string, days: number): string {
  return dayLabel(dayIndex(date) + days);
}

/** The Monday of the ISO week a date falls in (weeks start on Monday, as the core groups them). */
export function isoWeekStart(date: string): string {
  return dayLabel(isoWeekStartDay(dayIndex(date)));
}

export function presetRange(preset: Exclude<RangePreset, 'custom'>, timeZone: string, now: number): DateRange {
  const today = dateIn(timeZone, now);
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
  }
}

export interface RangeErrors {
  from?: string;
  to?: string;
}

/** Problems with a custom range, per field; null when it can be queried. */
export function checkCustomRange(from: string, to: string): RangeErrors | null {
  const errors: RangeErrors = {};
  if (from === '') errors.from = 'Choose a start date.';
  else if (!isIsoDate(from)) errors.from = 'Not a date (YYYY-MM-DD).';
  if (to === '') errors.to = 'Choose an end date.';
  else if (!isIsoDate(to)) errors.to = 'Not a date (YYYY-MM-DD).';
  if (!errors.from && !errors.to && from > to) errors.to = 'The end date is before the start date.';
  return errors.from || errors.to ? errors : null;
}

/** Number of days in a range, both ends included. */
export function rangeDays(range: DateRange): number {
  return dayIndex(range.to) - dayIndex(range.from) + 1;
}

/** A sensible bar size for a range: days up to about three months, then weeks, then months. */
export function suggestedGranularity(range: DateRange): Granularity {
  const days = rangeDays(range);
  return days <= 92 ? 'day' : days <= 730 ? 'week' : 'month';
}

/**
 * Every bucket label the core can answer for a range (day: YYYY-MM-DD, week: the Monday,
 * month: YYYY-MM), in order, so days without calls still get an (empty) bar.
 */
export function bucketsInRange(range: DateRange, granularity: Granularity, max = 1000): string[] {
  const out: string[] = [];
  if (granularity === 'month') {
    let y = Number(range.from.slice(0, 4));
    let m = Number(range.from.slice(5, 7));
    const endY = Number(range.to.slice(0, 4));
    const endM = Number(range.to.slice(5, 7));
    while ((y < endY || (y === endY && m <= endM)) && out.length < max) {
      out.push(`${y}-${String(m).padStart(2, '0')}`);
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
    }
    return out;
  }
  const step = granularity === 'week' ? 7 : 1;
  const start = granularity === 'week' ? isoWeekStart(range.from) : range.from;
  for (let i = dayIndex(start); i <= dayIndex(range.to) && out.length < max; i += step) out.push(dayLabel(i));
  return out;
}

function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** "Nov 23", "Week of Nov 17", "Nov 2026": labels for chart buckets (dates are local already). */
export function bucketLabel(bucket: string, granularity: Granularity, locale?: string): string {
  if (granularity === 'month') {
    return utcDate(`${bucket}-01`).toLocaleDateString(locale, { timeZone: 'UTC', month: 'short', year: 'numeric' });
  }
  const day = utcDate(bucket).toLocaleDateString(locale, { timeZone: 'UTC', month: 'short', day: 'numeric' });
  return granularity === 'week' ? `Week of ${day}` : day;
}

/** "Nov 17 – Nov 23, 2026" or "Nov 23, 2026" for the page's headings. */
export function rangeLabel(range: DateRange, locale?: string): string {
  const opts: Intl.DateTimeFormatOptions = { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' };
  const to = utcDate(range.to).toLocaleDateString(locale, opts);
  if (range.from === range.to) return to;
  const sameYear = range.from.slice(0, 4) === range.to.slice(0, 4);
  const from = utcDate(range.from).toLocaleDateString(locale, sameYear ? { timeZone: 'UTC', month: 'short', day: 'numeric' } : opts);
  return `${from} – ${to}`;
}

