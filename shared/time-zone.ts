/**
 * IANA time zone and calendar-day helpers shared by the core (limits, usage buckets) and the
 * renderer (date ranges).
 */

/** The zone this machine (or browser) is set to; UTC when the platform cannot say. */
export function machineTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Whether the platform's time zone data knows this IANA name. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/*
 * Calendar days as integers: day d counts local calendar days since 1970-01-01, and its local date
 * is the UTC date of d × DAY_MS. Grouping and date arithmetic are then integer arithmetic.
 */

export const DAY_MS = 86_400_000;

/** A local calendar date. */
export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

export function dateOfDay(dayIndex: number): LocalDate {
  const d = new Date(dayIndex * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** YYYY-MM-DD of a day index. */
export function dayLabel(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

/** Day index of the Monday that starts the ISO week of a day (1970-01-01 was a Thursday). */
export function isoWeekStart(dayIndex: number): number {
  return dayIndex - ((((dayIndex + 3) % 7) + 7) % 7);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Day index of a date written YYYY-MM-DD, null for any other text. Not a calendar check: an
 * impossible date such as 2026-02-30 rolls over like Date.UTC does (see isIsoDate in the renderer).
 */
export function dayOfIsoDate(value: string): number | null {
  const m = ISO_DATE.exec(value);
  return m ? dayNumber(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}
