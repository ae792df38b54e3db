import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketLabel,
  bucketsInRange,
  checkCustomRange,
  dateIn,
  isIsoDate,
  isoWeekStart,
  presetRange,
  rangeDays,
  rangeLabel,
  suggestedGranularity,
} from '../../../renderer/src/features/usage/date-range.js';

// 2026-11-23 02:30 UTC: still Sunday the 22nd in New York, already the afternoon of the 23rd in Auckland.
const NOW = Date.UTC(2026, 10, 23, 2, 30);

describe('dates in the user’s time zone', () => {
  it('today is the local calendar date of the chosen zone, not the machine’s', () => {
    expect(dateIn('UTC', NOW)).toBe('2026-11-23');
    expect(dateIn('America/New_York', NOW)).toBe('2026-11-22');
    expect(dateIn('Pacific/Auckland', NOW)).toBe('2026-11-23');
    expect(dateIn('Pacific/Kiritimati', Date.UTC(2026, 10, 23, 11, 0))).toBe('2026-11-24');
  });

  it('presets are whole local days, both ends included', () => {
    expect(presetRange('today', 'America/New_York', NOW)).toEqual({ from: '2026-11-22', to: '2026-11-22' });
    expect(presetRange('last7', 'UTC', NOW)).toEqual({ from: '2026-11-17', to: '2026-11-23' });
    expect(presetRange('last30', 'UTC', NOW)).toEqual({ from: '2026-10-25', to: '2026-11-23' });
    expect(presetRange('thisMonth', 'Europe/Berlin', NOW)).toEqual({ from: '2026-11-01', to: '2026-11-23' });
    expect(rangeDays(presetRange('last7', 'UTC', NOW))).toBe(7);
    expect(rangeDays(presetRange('last30', 'Asia/Kolkata', NOW))).toBe(30);
  });

  it('"this month" follows the zone across a month boundary', () => {
    const firstOfDecemberInTokyo = Date.UTC(2026, 10, 30, 16, 0); // Dec 1, 01:00 in Tokyo
    expect(presetRange('thisMonth', 'Asia/Tokyo', firstOfDecemberInTokyo)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(presetRange('thisMonth', 'UTC', firstOfDecemberInTokyo)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('a DST change does not skip or repeat a day', () => {
    // Europe/Berlin leaves DST on 2026-10-25 (a 25-hour day).
    const afterDst = Date.UTC(2026, 9, 26, 12, 0);
    expect(presetRange('last7', 'Europe/Berlin', afterDst)).toEqual({ from: '2026-10-20', to: '2026-10-26' });
    expect(bucketsInRange({ from: '2026-10-24', to: '2026-10-26' }, 'day')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
  });

  it('calendar arithmetic crosses months, years and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('weeks start on Monday, as the core groups them', () => {
    expect(isoWeekStart('2026-11-23')).toBe('2026-11-23'); // a Monday
    expect(isoWeekStart('2026-11-22')).toBe('2026-11-16'); // a Sunday
    expect(isoWeekStart('2027-01-01')).toBe('2026-12-28');
  });
});

describe('custom ranges', () => {
  it('accepts real dates in order', () => {
    expect(checkCustomRange('2026-11-01', '2026-11-23')).toBeNull();
    expect(checkCustomRange('2026-11-23', '2026-11-23')).toBeNull();
  });

  it('names the field that is wrong', () => {
    expect(checkCustomRange('', '2026-11-23')).toEqual({ from: 'Choose a start date.' });
    expect(checkCustomRange('2026-11-01', '')).toEqual({ to: 'Choose an end date.' });
    expect(checkCustomRange('2026-02-30', '2026-03-01')).toEqual({ from: 'Not a date (YYYY-MM-DD).' });
    expect(checkCustomRange('2026-11-23', '2026-11-01')).toEqual({ to: 'The end date is before the start date.' });
  });

  it('isIsoDate refuses impossible dates and other shapes', () => {
    expect(isIsoDate('2026-11-23')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-1-5')).toBe(false);
    expect(isIsoDate('23.11.2026')).toBe(false);
  });
});

describe('chart buckets', () => {
  it('lists every day, week or month of a range so empty ones still show', () => {
    expect(bucketsInRange({ from: '2026-11-20', to: '2026-11-23' }, 'day')).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
    expect(bucketsInRange({ from: '2026-11-04', to: '2026-11-23' }, 'week')).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    expect(bucketsInRange({ from: '2026-11-15', to: '2027-02-01' }, 'month')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });

  it('labels buckets without shifting them by the machine’s zone', () => {
    expect(bucketLabel('2026-11-23', 'day', 'en-US')).toBe('Nov 23');
    expect(bucketLabel('2026-11-16', 'week', 'en-US')).toBe('Week of Nov 16');
    expect(bucketLabel('2026-11', 'month', 'en-US')).toBe('Nov 2026');
    expect(rangeLabel({ from: '2026-11-17', to: '2026-11-23' }, 'en-US')).toBe('Nov 17 – Nov 23, 2026');
    expect(rangeLabel({ from: '2026-12-20', to: '2027-01-02' }, 'en-US')).toBe('Dec 20, 2026 – Jan 2, 2027');
    expect(rangeLabel({ from: '2026-11-23', to: '2026-11-23' }, 'en-US')).toBe('Nov 23, 2026');
  });

  it('suggests coarser bars for long ranges', () => {
    expect(suggestedGranularity({ from: '2026-11-01', to: '2026-11-30' })).toBe('day');
    expect(suggestedGranularity({ from: '2026-01-01', to: '2026-12-31' })).toBe('week');
    expect(suggestedGranularity({ from: '2023-01-01', to: '2026-12-31' })).toBe('month');
  });
});
