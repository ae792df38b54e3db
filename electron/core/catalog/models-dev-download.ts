/**
 * Fetches models.dev's catalog (api.json) and reads Switchboard's providers out of it, or says in
 * plain words why it cannot be used: an address that is not http(s), no answer in time, an HTTP
 * error, a body too large, not JSON (cut short), not the catalog, or far fewer models than the
 * bundled table (incomplete). Nothing here keeps or applies anything.
 */
import { GENERATED_MODELS } from '../../../shared/catalog/index.js';
import { DocumentError, readModelsDevDocument, type ReadDocument } from './models-dev-document.js';

export const FETCH_TIMEOUT_MS = 30_000;
/** models.dev's whole catalog is a few MB; anything far larger is not it. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** A download with fewer usable models than this share of the bundled table's is treated as cut short. */
const MIN_COVERAGE = 0.5;

export interface DownloadFailure {
  code: string;
  message: string;
}

export interface DownloadOptions {
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

/** Reads a response body as text, refusing one larger than `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > max) throw new CappedError();
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new CappedError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class CappedError extends Error {}

export async function downloadModelsDev(address: string, options: DownloadOptions = {}): Promise<ReadDocument | DownloadFailure> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { code: 'BAD_URL', message: `The price source “${address}” is not a URL.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { code: 'BAD_URL', message: 'The price source must be an http(s) address.' };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  let text: string;
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      return { code: 'HTTP_ERROR', message: `${url.host} answered HTTP ${res.status}; the previous prices stay in use.` };
    }
    text = await readCapped(res, MAX_DOCUMENT_BYTES);
  } catch (err) {
    if (err instanceof CappedError) return { code: 'TOO_LARGE', message: `The answer from ${url.host} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB: not models.dev’s catalog.` };
    const name = (err as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { code: 'TIMEOUT', message: `${url.host} did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s.` };
    return { code: 'NETWORK', message: `Could not reach ${url.host}: check the internet connection.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: 'INVALID_JSON', message: `The answer from ${url.host} is not valid JSON (${text.length} bytes; cut short?); the previous prices stay in use.` };
  }
  let read: ReadDocument;
  try {
    read = readModelsDevDocument(json);
  } catch (err) {
    if (err instanceof DocumentError) return { code: 'NOT_CATALOG', message: err.message };
    throw err;
  }
  if (read.count < GENERATED_MODELS.length * MIN_COVERAGE) {
    return {
      code: 'PARTIAL',
      message: `The download has ${read.count} usable models where the bundled table has ${GENERATED_MODELS.length}: it looks incomplete, so the previous prices stay in use.`,
    };
  }
  return read;
}
