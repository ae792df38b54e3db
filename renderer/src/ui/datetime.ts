/**
 * Every date and time the app shows, in the user's locale (the browser's) and a given time zone
 * (the limits time zone: state/time-zone-store.ts). One place, so the app never shows two formats or
 * a raw ISO timestamp.
 */

/** undefined: the browser's locale. Tests pass one. */
type Locale = string | undefined;

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${zone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    } catch {
      // An unknown zone name (data from an older platform): the machine's zone rather than nothing.
      f = new Intl.DateTimeFormat(locale, options);
    }
    cache.set(key, f);
  }
  return f;
}

function yearOf(ms: number, zone: string): string {
  return formatter('en-US', zone, { year: 'numeric' }).format(ms);
}

/**
 * A moment, short: "Dec 7, 10:10 AM" (en-US) or "7 Dec, 10:10" (en-GB); the year is added when it is
 * not this year's. `seconds` for call lists, where several calls share a minute.
 */
export function formatWhen(ms: number, zone: string, options: { seconds?: boolean; now?: number; locale?: Locale } = {}): string {
  const day = formatShortDay(ms, zone, options);
  // timeStyle keeps each locale's own clock ("9:30 AM", "09:30"), which hour/minute options do not.
  const time = formatter(options.locale, zone, { timeStyle: options.seconds ? 'medium' : 'short' }).format(ms);
  return `${day}, ${time}`;
}

/** The day of a moment, short: "Dec 7" this year, "Dec 7, 2025" before. */
export function formatShortDay(ms: number, zone: string, options: { now?: number; locale?: Locale } = {}): string {
  const sameYear = yearOf(ms, zone) === yearOf(options.now ?? Date.now(), zone);
  return formatter(options.locale, zone, { ...(sameYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric' }).format(ms);
}

/** A moment in full, for tooltips: "Monday, December 7, 2026 at 10:10:02 AM GMT+1". */
export function formatWhenFull(ms: number, zone: string, locale?: Locale): string {
  return formatter(locale, zone, { dateStyle: 'full', timeStyle: 'long' }).format(ms);
}

/** A calendar day: "Dec 7, 2026". Takes a moment (in `zone`) or a date written YYYY-MM-DD (as it is). */
export function formatDay(value: number | string, zone: string, locale?: Locale): string {
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return value;
    return formatter(locale, 'UTC', { year: 'numeric', month: 'short', day: 'numeric' }).format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  return formatter(locale, zone, { year: 'numeric', month: 'short', day: 'numeric' }).format(value);
}

/** A time of day: "10:10 AM" / "10:10". */
export function formatClock(ms: number, zone: string, locale?: Locale): string {
  return formatter(locale, zone, { timeStyle: 'short' }).format(ms);
}

/** An ISO timestamp from the core ("2026-07-03T09:30:00.000Z") as formatWhen; what it cannot read stays as it is. */
export function formatIso(iso: string, zone: string, options: { now?: number; locale?: Locale } = {}): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatWhen(ms, zone, options);
}
