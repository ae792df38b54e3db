import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { saveCsvExport, writeChunksAtomically } from '../../../electron/main/csv-export.js';
import { CsvRowCounter } from '../../../electron/main/csv-row-counter.js';

const ctx = { transport: 'electron' as const, actor: 'window 1 (app://switchboard)' };

async function* chunks(...parts: string[]) {
  for (const p of parts) yield p;
}

describe('CsvRowCounter', () => {
  const cases: Array<[string[], number]> = [
    [[], 0],
    [['id,time\r\n'], 0],
    [['id,time\r\n1,2\r\n3,4\r\n'], 2],
    [['id,time\r\n1,2\r\n3,4'], 2],
    [['\ufeffid,note\r\n1,"line one\r\nline two"\r\n'], 1],
    [['id,note\r\n1,"say ""hi""\r\n', '"\r\n2,x\r\n'], 2],
    [['id,note\r\n1,"a', '""', 'b\r\nc"\r\n2,', 'y\r\n'], 2],
    [['id,', 'time\r', '\n1,', '2\r', '\n'], 1],
  ];
  it.each(cases)('%j -> %i data rows', (parts, rows) => {
    const counter = new CsvRowCounter();
    for (const p of parts) counter.push(p);
    expect(counter.dataRows()).toBe(rows);
  });
});

describe('CSV export to a file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-csv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks where, streams the chunks there and counts rows', async () => {
    const target = join(dir, 'usage.csv');
    const exportCsv = vi.fn(async () => ({ filename: 'switchboard-usage.csv', chunks: chunks('id,time\r\n', '1,2\r\n', '3,4\r\n') }));
    const chooseFile = vi.fn(async () => target);
    await expect(saveCsvExport({ exportCsv, chooseFile }, { from: 0 }, ctx)).resolves.toEqual({ saved: true, path: target, rows: 2 });
    expect(chooseFile).toHaveBeenCalledWith('switchboard-usage.csv');
    expect(exportCsv).toHaveBeenCalledWith({ from: 0 }, ctx);
    expect(readFileSync(target, 'utf8')).toBe('id,time\r\n1,2\r\n3,4\r\n');
    expect(readdirSync(dir)).toEqual(['usage.csv']);
  });

  it('answers saved:false when the dialog is cancelled and writes nothing', async () => {
    const exportCsv = vi.fn(async () => ({ filename: 'x.csv', chunks: chunks('id\r\n') }));
    await expect(saveCsvExport({ exportCsv, chooseFile: async () => null }, {}, ctx)).resolves.toEqual({ saved: false, rows: 0 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a malformed request before opening the dialog', async () => {
    const chooseFile = vi.fn(async () => join(dir, 'x.csv'));
    const exportCsv = vi.fn();
    await expect(saveCsvExport({ exportCsv, chooseFile }, { from: 'yesterday-ish' }, ctx)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(chooseFile).not.toHaveBeenCalled();
    expect(exportCsv).not.toHaveBeenCalled();
  });

  it('leaves nothing half-written, and an earlier file intact, when the stream fails', async () => {
    const target = join(dir, 'usage.csv');
    writeFileSync(target, 'previous export');
    async function* failing() {
      yield 'id,time\r\n';
      yield '1,2\r\n';
      throw new AppError('INTERNAL', 'ledger read failed');
    }
    await expect(writeChunksAtomically(target, failing())).rejects.toMatchObject({ code: 'INTERNAL', message: 'ledger read failed' });
    expect(readFileSync(target, 'utf8')).toBe('previous export');
    expect(readdirSync(dir)).toEqual(['usage.csv']);
  });

  it('turns file system errors into a plain message', async () => {
    const target = join(dir, 'no-such-folder', 'usage.csv');
    await expect(writeChunksAtomically(target, chunks('id\r\n'))).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('ENOENT') });
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});
