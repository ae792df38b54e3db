import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../renderer/src/bridge/backoff.js';
import { CsvRecordCounter, filenameFromDisposition } from '../../../renderer/src/bridge/csv-download.js';

describe('CsvRecordCounter', () => {
  const count = (...chunks: string[]) => {
    const c = new CsvRecordCounter();
    for (const chunk of chunks) c.push(chunk);
    return c.records;
  };

  it('counts data rows, not the header', () => {
    expect(count('time,provider\r\n1,openai\r\n2,gemini\r\n')).toBe(2);
    expect(count('time,provider\n1,openai\n2,gemini')).toBe(2);
    expect(count('time,provider\r\n')).toBe(0);
    expect(count('')).toBe(0);
  });

  it('ignores line breaks inside quoted fields, across chunk boundaries', () => {
    expect(count('h1,h2\r\n"a\r\nb",x\r\n', '"c ""quoted""\n', 'more",y\r\n')).toBe(2);
    expect(count('h\r', '\n1\r', '\n2\r\n')).toBe(2);
  });
});

describe('filenameFromDisposition', () => {
  it('reads plain and RFC 5987 names', () => {
    expect(filenameFromDisposition('attachment; filename="usage-2026-11.csv"', 'x.csv')).toBe('usage-2026-11.csv');
    expect(filenameFromDisposition('attachment; filename=usage.csv', 'x.csv')).toBe('usage.csv');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''us%C3%A4ge.csv", 'x.csv')).toBe('usäge.csv');
  });

  it('falls back, and never lets a name climb directories', () => {
    expect(filenameFromDisposition(null, 'x.csv')).toBe('x.csv');
    expect(filenameFromDisposition('attachment', 'x.csv')).toBe('x.csv');
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x.csv')).toBe('.._.._etc_passwd');
    expect(filenameFromDisposition('attachment; filename=".."', 'x.csv')).toBe('x.csv');
  });
});

describe('backoffDelay', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, noJitter))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(1000, noJitter)).toBe(30000);
    expect(backoffDelay(0, noJitter)).toBe(500);
  });

  it('spreads reconnects with jitter inside the cap', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(400);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(600);
    expect(backoffDelay(20, DEFAULT_BACKOFF, () => 1)).toBe(30000);
  });
});
