/**
 * Calendar arithmetic in an IANA time zone with the platform's ICU data (Intl), DST included.
 * Day indices count local calendar days since 1970-01-01 (the local date of day d is the UTC date
 * of d × 86 400 000), so grouping by local day is integer arithmetic once the offset is known.
 */
import { DAY_MS, dateOfDay, dayNumber, type LocalDate } from '../../../shared/time-zone.js';

export {
  DAY_MS,
  dateOfDay,
  dayLabel,
  dayNumber,
  dayOfIsoDate,
  isoWeekStart,
  isValidTimeZone,
  machineTimeZone,
  type LocalDate,
} from '../../../shared/time-zone.js';

/** Every UTC offset in use today is a multiple of 15 minutes, and so is every DST change. */
export const QUARTER_MS = 900_000;

export interface OffsetSegment {
  /** First instant (ms) with this offset. */
  from: number;
  /** local time − UTC, in ms. */
  offset: number;
}

export class Zone {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private readonly dayStarts = new Map<number, number>();
  private readonly yearSegments = new Map<number, OffsetSegment[]>();

  constructor(readonly name: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC at instant t, in ms. Constant within each 15-minute UTC quarter, so cached per quarter. */
  offsetAt(t: number): number {
    const q = Math.floor(t / QUARTER_MS);
    const hit = this.offsets.get(q);
    if (hit !== undefined) return hit;
    const start = q * QUARTER_MS;
    const f: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(start)) if (part.type !== 'literal') f[part.type] = Number(part.value);
    const wall = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
    const offset = wall - start;
    if (this.offsets.size > 50_000) this.offsets.clear();
    this.offsets.set(q, offset);
    return offset;
  }

  dayIndex(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY_MS);
  }

  localDate(t: number): LocalDate {
    return dateOfDay(this.dayIndex(t));
  }

  /**
   * First instant of a local day: local midnight, or, where a DST change skips midnight, the first
   * instant that has that date.
   */
  startOfDay(dayIndex: number): number {
    const hit = this.dayStarts.get(dayIndex);
    if (hit !== undefined) return hit;
    const wallMidnight = dayIndex * DAY_MS;
    let result: number | null = null;
    // Usual case: midnight exists and the offset around it is steady.
    const guess = wallMidnight - this.offsetAt(wallMidnight - this.offsetAt(wallMidnight));
    if (this.dayIndex(guess) === dayIndex && this.dayIndex(guess - 1) < dayIndex) result = guess;
    if (result === null) {
      // Around a DST change: the first minute whose local date is this day.
      let lo = Math.floor((wallMidnight - 15 * 3_600_000) / 60_000);
      let hi = Math.ceil((wallMidnight + 15 * 3_600_000) / 60_000);
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.dayIndex(mid * 60_000) >= dayIndex) hi = mid;
        else lo = mid + 1;
      }
      result = lo * 60_000;
    }
    if (this.dayStarts.size > 20_000) this.dayStarts.clear();
    this.dayStarts.set(dayIndex, result);
    return result;
  }

  /** The local day containing t as [start, end). */
  dayWindow(t: number): { start: number; end: number; dayIndex: number } {
    const d = this.dayIndex(t);
    return { start: this.startOfDay(d), end: this.startOfDay(d + 1), dayIndex: d };
  }

  /** The local calendar month containing t as [start, end). */
  monthWindow(t: number): { start: number; end: number; year: number; month: number } {
    const { year, month } = this.localDate(t);
    const next = month === 12 ? { y: year + 1, m: 1 } : { y: year, m: month + 1 };
    return { start: this.startOfDay(dayNumber(year, month, 1)), end: this.startOfDay(dayNumber(next.y, next.m, 1)), year, month };
  }

  /** Offset changes within [from, to): the offset at `from`, then each DST (or rule) change. */
  segments(from: number, to: number): OffsetSegment[] {
    const out: OffsetSegment[] = [{ from, offset: this.offsetAt(from) }];
    const y0 = new Date(from).getUTCFullYear();
    const y1 = new Date(Math.max(from, to - 1)).getUTCFullYear();
    for (let y = y0; y <= y1; y++) {
      for (const s of this.changesInYear(y)) {
        if (s.from > from && s.from < to && s.offset !== out[out.length - 1]!.offset) out.push(s);
      }
    }
    return out;
  }

  private changesInYear(year: number): OffsetSegment[] {
    const hit = this.yearSegments.get(year);
    if (hit) return hit;
    const changes: OffsetSegment[] = [];
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    let prevT = start;
    let prev = this.offsetAt(start);
    for (let t = start + DAY_MS / 2; t <= end; t += DAY_MS / 2) {
      const cur = this.offsetAt(t);
      if (cur !== prev) {
        // The change lies in (prevT, t]: find its quarter.
        let lo = Math.floor(prevT / QUARTER_MS) + 1;
        let hi = Math.floor(t / QUARTER_MS);
        while (lo < hi) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.offsetAt(mid * QUARTER_MS) === prev) lo = mid + 1;
          else hi = mid;
        }
        changes.push({ from: lo * QUARTER_MS, offset: cur });
      }
      prevT = t;
      prev = cur;
    }
    this.yearSegments.set(year, changes);
    return changes;
  }
}

const zones = new Map<string, Zone>();

/** A cached Zone; throws RangeError for an unknown zone name. */
export function zone(name: string): Zone {
  let z = zones.get(name);
  if (!z) {
    z = new Zone(name);
    zones.set(name, z);
  }
  return z;
}

/**
 * SQL for "local day index of the instant in column expression `ms`" over [from, to): the offset is
 * a CASE over the zone's offset changes in the range, so SQLite groups by local day without a
 * per-row call back into JS.
 */
export function localDaySql(z: Zone, ms: string, from: number, to: number): string {
  const segs = z.segments(from, to);
  if (segs.length === 1) return `((${ms} + ${segs[0]!.offset}) / ${DAY_MS})`;
  const whens = segs
    .slice(1)
    .map((s, i) => `WHEN ${ms} < ${s.from} THEN ${segs[i]!.offset}`)
    .join(' ');
  return `((${ms} + CASE ${whens} ELSE ${segs[segs.length - 1]!.offset} END) / ${DAY_MS})`;
}
