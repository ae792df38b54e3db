import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { dayLabel, dayNumber, isoWeekStart, localDaySql, zone } from '../../../electron/core/metering/time-zone.js';

const H = 3_600_000;

describe('time zones', () => {
  it('America/New_York: 23-hour and 25-hour days at the DST changes', () => {
    const ny = zone('America/New_York');
    const spring = dayNumber(2026, 3, 8);
    expect(ny.startOfDay(spring)).toBe(Date.UTC(2026, 2, 8, 5));
    expect((ny.startOfDay(spring + 1) - ny.startOfDay(spring)) / H).toBe(23);
    const fall = dayNumber(2026, 11, 1);
    expect((ny.startOfDay(fall + 1) - ny.startOfDay(fall)) / H).toBe(25);
    expect(ny.segments(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))).toEqual([
      { from: Date.UTC(2026, 0, 1), offset: -5 * H },
      { from: Date.UTC(2026, 2, 8, 7), offset: -4 * H },
      { from: Date.UTC(2026, 10, 1, 6), offset: -5 * H },
    ]);
  });

  it('Asia/Kolkata (+05:30): months start at 18:30 UTC the day before', () => {
    const k = zone('Asia/Kolkata');
    const w = k.monthWindow(Date.UTC(2026, 0, 31, 18, 29));
    expect(w).toMatchObject({ start: Date.UTC(2025, 11, 31, 18, 30), end: Date.UTC(2026, 0, 31, 18, 30), year: 2026, month: 1 });
    expect(k.monthWindow(Date.UTC(2026, 0, 31, 18, 30)).month).toBe(2);
    expect(k.dayWindow(Date.UTC(2026, 1, 28, 18, 30)).dayIndex).toBe(dayNumber(2026, 3, 1));
  });

  it('a day whose midnight is skipped by DST starts at the first instant that has its date', () => {
    const s = zone('America/Santiago'); // clocks go 24:00 → 01:00 on 2026-09-06
    const d = dayNumber(2026, 9, 6);
    expect(s.startOfDay(d)).toBe(Date.UTC(2026, 8, 6, 4));
    expect(s.dayIndex(s.startOfDay(d))).toBe(d);
    expect(s.dayIndex(s.startOfDay(d) - 1)).toBe(d - 1);
  });

  it('ISO weeks start on Monday', () => {
    expect(dayLabel(isoWeekStart(dayNumber(2026, 3, 1)))).toBe('2026-02-23'); // Sunday
    expect(dayLabel(isoWeekStart(dayNumber(2026, 3, 2)))).toBe('2026-03-02'); // Monday
    expect(dayLabel(isoWeekStart(dayNumber(2027, 1, 1)))).toBe('2026-12-28');
  });

  it('the SQL local-day expression agrees with the JS calendar across DST changes', () => {
    const db = new Database(':memory:');
    for (const name of ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC']) {
      const z = zone(name);
      const from = Date.UTC(2025, 11, 20);
      const to = Date.UTC(2026, 11, 10);
      const expr = localDaySql(z, 'CAST(?1 AS INTEGER)', from, to);
      const stmt = db.prepare(`SELECT ${expr} AS d`);
      for (let t = from; t < to; t += 7 * H + 13 * 60_000) {
        expect((stmt.get(t) as { d: number }).d, `${name} at ${new Date(t).toISOString()}`).toBe(z.dayIndex(t));
      }
    }
    db.close();
  });
});
