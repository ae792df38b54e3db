import { formatShortDay } from './datetime.js';

/** Relative time for lists ("just now", "5 min ago", "yesterday", then a date in `zone`). */
export function relativeTime(ms: number, now: number, zone: string): string {
  const diff = now - ms;
  if (diff < 45_000) return 'just now';
  const min = Math.round(diff / 60_000);
  if (min < 60) return `${min} min ago`;
  const hours = Math.round(diff / 3_600_000);
  if (hours < 24) return `${hours} h ago`;
  const day = (t: number) => formatShortDay(t, zone, { now, locale: 'en-US' });
  if (day(ms) === day(now - 86_400_000)) return 'yesterday';
  return formatShortDay(ms, zone, { now });
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

