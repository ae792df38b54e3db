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
import { BUNDLED_CATALOG, buildCatalogTable, CATALOG_SOURCE, type CatalogTable } from '../../../shared/catalog/index.js';
import type { PriceUpdateStatus } from '../../../shared/contract/index.js';
import { AppError } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';
import { applyDownload } from './apply-download.js';
import { readModelsDevDocument, type ReadDocument } from './models-dev-document.js';
import { downloadModelsDev } from './models-dev-download.js';

export const DEFAULT_MODELS_DEV_URL = 'https://models.dev/api.json';
/** Overrides the address (tests, mirrors): an http(s) URL. */
export const MODELS_DEV_URL_ENV = 'SWITCHBOARD_MODELS_DEV_URL';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETRY_MS = 60 * 60 * 1000;
const CHECK_EVERY_MS = 60 * 60 * 1000;

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
    const outcome = await downloadModelsDev(this.url, {
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
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
