/**
 * Online price updates: when the user allows it (Settings.onlinePriceUpdates, off by default),
 * models.dev's current catalog is fetched at most once a day (a failed check is retried after an
 * hour), checked (models-dev-document.ts), and applied over the bundled table. The last good
 * download is kept in `<dataDir>/models-dev-prices.json` (0600, atomic) so it survives restarts and
 * works offline. A download that cannot be used changes nothing: the previous prices stay, and the
 * status says why. Prices the user set by hand and providers' own listed prices are applied later,
 * in CatalogService, and win over these.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { BUNDLED_CATALOG, buildCatalogTable, CATALOG_SOURCE, GENERATED_MODELS, type CatalogEntry, type CatalogTable } from '../../../shared/catalog/index.js';
import type { GeneratedModel } from '../../../shared/catalog/types.js';
import type { PriceUpdateStatus } from '../../../shared/contract/index.js';
import { AppError } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';
import { DocumentError, readModelsDevDocument, type ReadDocument } from './models-dev-document.js';

export const DEFAULT_MODELS_DEV_URL = 'https://models.dev/api.json';
/** Overrides the address (tests, mirrors): an http(s) URL. */
export const MODELS_DEV_URL_ENV = 'SWITCHBOARD_MODELS_DEV_URL';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETRY_MS = 60 * 60 * 1000;
const CHECK_EVERY_MS = 60 * 60 * 1000;
export const FETCH_TIMEOUT_MS = 30_000;
/** models.dev's whole catalog is a few MB; anything far larger is not it. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** A download with fewer usable models than this share of the bundled table's is treated as cut short. */
const MIN_COVERAGE = 0.5;

const CacheFile = z.object({
  version: z.literal(1),
  url: z.string(),
  /** When the kept download was fetched (ISO 8601); null when none is kept yet. */
  fetchedAt: z.string().nullable(),
  /** Our providers' sections of the download, as received (re-read on start with the same checks). */
  providers: z.record(z.string(), z.object({ models: z.record(z.string(), z.unknown()) })),
  lastAttempt: z.object({ at: z.string(), error: z.object({ code: z.string(), message: z.string() }).optional() }).nullable(),
});
type CacheFile = z.infer<typeof CacheFile>;

export interface PriceUpdatesOptions {
  dataDir: string;
  logger: Logger;
  /** Whether the user allows online updates (read on every check). */
  enabled: () => boolean;
  /** The address to fetch; DEFAULT_MODELS_DEV_URL unless overridden. */
  url?: string;
  /** Called with the table to use whenever it changes (the catalog swaps it in). */
  onTable: (table: CatalogTable) => void;
  /** Called after every check, good or bad: the status changed (the renderer reloads it). */
  onChecked?: () => void;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

interface Applied {
  fetchedAt: string;
  url: string;
  read: ReadDocument;
  changed: number;
}

type Failure = { code: string; message: string };

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

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether an online entry changes what the bundled one says about prices or limits. */
function differs(online: GeneratedModel, bundled: GeneratedModel | undefined): boolean {
  if (!bundled) return true;
  return (
    !sameJson(online.pricing, bundled.pricing) ||
    !sameJson(online.pricingTiers, bundled.pricingTiers) ||
    online.contextWindow !== bundled.contextWindow ||
    online.maxOutputTokens !== bundled.maxOutputTokens
  );
}

const bundledBySource = new Map(GENERATED_MODELS.map((g) => [`${g.provider}\u0000${g.sourcePath}`, g]));

/**
 * The api.json keeps only the documented price fields: a cache price the bundled table read from a
 * non-standard spelling (Together's `cached_input`) is missing there. While the download agrees on
 * the input and output prices, such a gap keeps the bundled value instead of turning unknown.
 */
function fillGaps(online: GeneratedModel, bundled: GeneratedModel): GeneratedModel {
  const o = online.pricing;
  const b = bundled.pricing;
  if (!o || !b || o.input !== b.input || o.output !== b.output) return online;
  if ((o.cacheRead !== null || b.cacheRead === null) && (o.cacheWrite !== null || b.cacheWrite === null)) return online;
  return { ...online, pricing: { ...o, cacheRead: o.cacheRead ?? b.cacheRead, cacheWrite: o.cacheWrite ?? b.cacheWrite } };
}

/**
 * The bundled table with a download applied: a model the download has takes its entry (prices as of
 * the download), a model only the bundled table has keeps its bundled entry, and new models join.
 */
export function applyDownload(read: ReadDocument, fetchedDay: string): { entries: CatalogEntry[]; changed: number } {
  const online = new Map<string, GeneratedModel>();
  for (const list of read.models.values()) for (const m of list) online.set(`${m.provider}\u0000${m.sourcePath}`, m);
  const entries: CatalogEntry[] = [];
  let changed = 0;
  const used = new Set<string>();
  for (const g of GENERATED_MODELS) {
    const k = `${g.provider}\u0000${g.sourcePath}`;
    const found = online.get(k);
    // A curated model that borrows another's prices (pricesFrom) keeps the borrowed ones.
    if (!found || g.pricesFrom) {
      entries.push({ model: g, checkedAt: CATALOG_SOURCE.checkedAt });
      continue;
    }
    used.add(k);
    const o = fillGaps(found, g);
    if (differs(o, g)) changed++;
    // The id is the catalog's (a curated `source` file may carry another name).
    entries.push({ model: { ...o, id: g.id }, checkedAt: fetchedDay });
  }
  for (const [k, o] of online) {
    if (used.has(k) || bundledBySource.has(k)) continue;
    changed++;
    entries.push({ model: o, checkedAt: fetchedDay });
  }
  return { entries, changed };
}

export class PriceUpdates {
  private readonly now: () => number;
  private readonly url: string;
  private applied: Applied | null = null;
  private lastAttempt: CacheFile['lastAttempt'] = null;
  private running: Promise<PriceUpdateStatus> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly path: string;
  /** table() built for this download and setting, so it is built once per change. */
  private built: { applied: Applied | null; table: CatalogTable } | null = null;

  constructor(private readonly options: PriceUpdatesOptions) {
    this.now = options.now ?? Date.now;
    this.url = options.url ?? DEFAULT_MODELS_DEV_URL;
    this.path = join(options.dataDir, 'models-dev-prices.json');
    this.load();
  }

  /** Starts the hourly check (and one shortly after start); stopped by close(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    const soon = setTimeout(() => void this.check(), 2000);
    soon.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The download in use is applied only while updates are allowed and it is newer than the bundled snapshot. */
  private inUse(): Applied | null {
    if (!this.applied || !this.options.enabled()) return null;
    return Date.parse(this.applied.fetchedAt) > Date.parse(CATALOG_SOURCE.commitDate) ? this.applied : null;
  }

  /** The table the catalog should use now. */
  table(): CatalogTable {
    const applied = this.inUse();
    if (this.built?.applied !== applied) {
      this.built = { applied, table: applied ? buildCatalogTable(applyDownload(applied.read, applied.fetchedAt.slice(0, 10)).entries) : BUNDLED_CATALOG };
    }
    return this.built.table;
  }

  /** The check running now, if any, has finished (close() waits for it). */
  async idle(): Promise<void> {
    await this.running?.catch(() => {});
  }

  /** Called when the setting changes: swap tables, and check at once if a check is due. */
  settingChanged(): void {
    this.options.onTable(this.table());
    void this.check();
  }

  status(): PriceUpdateStatus {
    const enabled = this.options.enabled();
    const a = this.applied;
    const lastSuccess = a ? Date.parse(a.fetchedAt) : null;
    const lastTry = this.lastAttempt ? Date.parse(this.lastAttempt.at) : null;
    const next = enabled ? Math.max(lastSuccess !== null ? lastSuccess + DAY_MS : 0, lastTry !== null ? lastTry + RETRY_MS : 0, this.now()) : null;
    return {
      enabled,
      inUse: this.inUse() ? 'models.dev' : 'bundled',
      bundled: { repository: CATALOG_SOURCE.repository, commit: CATALOG_SOURCE.commit, commitDate: CATALOG_SOURCE.commitDate, checkedAt: CATALOG_SOURCE.checkedAt },
      online: a
        ? { url: a.url, fetchedAt: a.fetchedAt, models: a.read.count, changed: a.changed, skipped: a.read.skipped.length, skippedExamples: a.read.skipped.slice(0, 5) }
        : null,
      url: this.url,
      lastAttemptAt: this.lastAttempt?.at ?? null,
      nextCheckAt: next === null ? null : new Date(next).toISOString(),
      ...(this.lastAttempt?.error ? { error: this.lastAttempt.error } : {}),
    };
  }

  private due(): boolean {
    if (!this.options.enabled()) return false;
    const now = this.now();
    if (this.lastAttempt && now - Date.parse(this.lastAttempt.at) < RETRY_MS) return false;
    return !this.applied || now - Date.parse(this.applied.fetchedAt) >= DAY_MS;
  }

  /** Fetches when allowed and due: no good download in the last day, and no attempt in the last hour. */
  async check(): Promise<void> {
    if (!this.due()) return;
    try {
      await this.update();
    } catch (err) {
      this.options.logger.warn('price update failed', { err });
    }
  }

  /** Fetches now (models.updatePrices). Joins a check already running. */
  update(): Promise<PriceUpdateStatus> {
    if (!this.options.enabled()) {
      return Promise.reject(new AppError('VALIDATION', 'Online price updates are off: turn them on in Models first.', { field: 'onlinePriceUpdates' }));
    }
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<PriceUpdateStatus> {
    try {
      return await this.attempt();
    } finally {
      this.options.onChecked?.();
    }
  }

  private async attempt(): Promise<PriceUpdateStatus> {
    const at = new Date(this.now()).toISOString();
    const outcome = await this.download();
    if ('code' in outcome) {
      this.options.logger.warn('models.dev price update failed; previous prices kept', { code: outcome.code, message: outcome.message });
      this.lastAttempt = { at, error: outcome };
      try {
        this.persist(this.applied);
      } catch (err) {
        // The failure is in the status either way; only its survival across a restart is lost.
        this.options.logger.warn('the price update attempt could not be recorded', { err });
      }
      return this.status();
    }
    const { changed } = applyDownload(outcome, at.slice(0, 10));
    const next: Applied = { fetchedAt: at, url: this.url, read: outcome, changed };
    // Saved first: a download that cannot be kept is not used either, so a restart shows the same prices.
    this.lastAttempt = { at };
    try {
      this.persist(next);
    } catch (err) {
      this.lastAttempt = { at, error: { code: 'SAVE_FAILED', message: err instanceof Error ? err.message : 'The prices could not be saved.' } };
      return this.status();
    }
    this.applied = next;
    this.options.logger.info('models.dev prices updated', { models: outcome.count, changed, skipped: outcome.skipped.length });
    this.options.onTable(this.table());
    return this.status();
  }

  private async download(): Promise<ReadDocument | Failure> {
    let url: URL;
    try {
      url = new URL(this.url);
    } catch {
      return { code: 'BAD_URL', message: `The price source “${this.url}” is not a URL.` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { code: 'BAD_URL', message: 'The price source must be an http(s) address.' };
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    const timeoutMs = this.options.timeoutMs ?? FETCH_TIMEOUT_MS;
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
      if (name === 'TimeoutError' || name === 'AbortError') return { code: 'TIMEOUT', message: `${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s.` };
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

  private persist(applied: Applied | null): void {
    const file: CacheFile = {
      version: 1,
      url: applied?.url ?? this.url,
      fetchedAt: applied?.fetchedAt ?? null,
      providers: applied?.read.kept ?? {},
      lastAttempt: this.lastAttempt,
    };
    saveFileAtomic(this.path, JSON.stringify(file) + '\n', { what: 'The downloaded prices', kept: 'the previous prices stay in use' });
  }

  private load(): void {
    const file = readJsonOrSetAside(this.path, CacheFile, this.options.logger, 'models-dev-prices.json could not be read; the bundled prices are used');
    if (!file) return;
    this.lastAttempt = file.lastAttempt;
    if (!file.fetchedAt) return;
    try {
      const read = readModelsDevDocument(file.providers);
      this.applied = { fetchedAt: file.fetchedAt, url: file.url, read, changed: applyDownload(read, file.fetchedAt.slice(0, 10)).changed };
    } catch (err) {
      this.options.logger.warn('the kept models.dev prices could not be read; the bundled prices are used', { err });
    }
  }
}
