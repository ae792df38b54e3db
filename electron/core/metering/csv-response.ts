import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CsvExport } from './csv-export.js';

/**
 * Sends a streamed CSV export as an HTTP download (the web host's usage.exportCsv, the team server's
 * usage.csv). Writes respect backpressure, so a million rows never pile up in memory; a client that
 * goes away stops the export. A failure mid-stream can no longer change the status, so the response
 * is cut off and `failed` is told.
 */
export async function sendCsvDownload(req: IncomingMessage, res: ServerResponse, download: Pick<CsvExport, 'filename' | 'chunks'>, failed: (err: unknown) => void): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${download.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'Cache-Control': 'no-store',
  });
  let aborted = false;
  req.on('close', () => {
    if (!res.writableFinished) aborted = true;
  });
  try {
    for await (const chunk of download.chunks) {
      if (aborted || res.destroyed) break;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch (err) {
    failed(err);
    res.destroy();
  }
}
