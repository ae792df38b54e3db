import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError, parseRequest } from '../../shared/contract/index.js';
import type { CallContext } from '../core/app/context.js';
import type { Core } from '../core/core.js';
import { CsvRowCounter } from './csv-row-counter.js';

export interface CsvExportResult {
  saved: boolean;
  path?: string;
  rows: number;
}

export interface SaveCsvDeps {
  exportCsv: Core['exportCsv'];
  /** The save dialog; null when the user cancels. */
  chooseFile: (suggestedName: string) => Promise<string | null>;
}

/** usage.exportCsv in Electron: ask where, then stream the core's CSV into that file. */
export async function saveCsvExport(deps: SaveCsvDeps, input: unknown, ctx: CallContext): Promise<CsvExportResult> {
  // A malformed request is answered before a dialog opens.
  parseRequest('usage.exportCsv', input);
  const download = await deps.exportCsv(input ?? {}, ctx);
  const target = await deps.chooseFile(download.filename);
  if (target === null) return { saved: false, rows: 0 };
  const rows = await writeChunksAtomically(target, download.chunks);
  return { saved: true, path: target, rows };
}

/**
 * Streams chunks into a temporary file beside the target, flushes it, then renames it over the
 * target: a failure part-way (disk full, the core throwing) removes the temporary file and leaves
 * any earlier file at the target untouched. Answers the number of data rows written.
 */
export async function writeChunksAtomically(target: string, chunks: AsyncIterable<string>): Promise<number> {
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const counter = new CsvRowCounter();
  let handle;
  try {
    handle = await open(tmp, 'wx', 0o644);
  } catch (err) {
    throw fileError(err);
  }
  try {
    for await (const chunk of chunks) {
      counter.push(chunk);
      await handle.write(chunk, null, 'utf8');
    }
    await handle.sync();
    await handle.close();
    await rename(tmp, target);
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw fileError(err);
  }
  return counter.dataRows();
}

function fileError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof AppError || typeof code !== 'string') return err;
  return new AppError('INTERNAL', `The CSV file could not be written (${code}). Choose another folder or free some disk space.`);
}
