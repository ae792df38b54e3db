import { describe, expect, it } from 'vitest';
import { formatDay, formatIso, formatWhen, formatWhenFull } from '../../../renderer/src/ui/datetime.js';
import { relativeTime } from '../../../renderer/src/ui/format.js';

const NOW = Date.UTC(2026, 11, 7, 9, 0);
const T = Date.UTC(2026, 11, 7, 10, 10, 2);

describe('one formatter for every date the app shows: the user’s locale, the limits time zone', () => {
  it('a moment reads the locale’s way, in the zone given, with the year only when it is not this year', () => {
    expect(formatWhen(T, 'UTC', { now: NOW, locale: 'en-US' })).toBe('Dec 7, 10:10 AM');
    expect(formatWhen(T, 'UTC', { now: NOW, locale: 'en-GB' })).toBe('7 Dec, 10:10');
    expect(formatWhen(T, 'Europe/Lisbon', { now: NOW, locale: 'en-GB' })).toBe('7 Dec, 10:10');
    expect(formatWhen(T, 'Asia/Tokyo', { now: NOW, locale: 'en-GB' })).toBe('7 Dec, 19:10');
    expect(formatWhen(T, 'UTC', { now: NOW, locale: 'de-DE', seconds: true })).toBe('7. Dez., 10:10:02');
    expect(formatWhen(Date.UTC(2025, 0, 2, 8, 0), 'UTC', { now: NOW, locale: 'en-US' })).toBe('Jan 2, 2025, 8:00 AM');
    expect(formatWhenFull(T, 'UTC', 'en-US')).toMatch(/^Monday, December 7, 2026 at 10:10:02 AM/);
  });

  it('calendar dates keep their day; raw timestamps from the core are read, never shown as they are', () => {
    expect(formatDay('2026-07-02', 'Pacific/Honolulu', 'en-US')).toBe('Jul 2, 2026');
    expect(formatDay(T, 'Asia/Tokyo', 'en-GB')).toBe('7 Dec 2026');
    expect(formatIso('2026-12-07T10:10:02.602Z', 'UTC', { now: NOW, locale: 'en-US' })).toBe('Dec 7, 10:10 AM');
    expect(formatIso('soon', 'UTC')).toBe('soon');
  });

  it('relative times fall back to a date in the zone', () => {
    expect(relativeTime(NOW - 10_000, NOW, 'UTC')).toBe('just now');
    expect(relativeTime(NOW - 5 * 60_000, NOW, 'UTC')).toBe('5 min ago');
    expect(relativeTime(NOW - 30 * 3_600_000, NOW, 'UTC')).toBe('yesterday');
    expect(relativeTime(NOW - 5 * 86_400_000, NOW, 'UTC')).toMatch(/^(Dec 2|2 Dec)$/);
  });
});
