/**
 * The catalog as the core assembles it: the catalog service (models.dev table, providers' lists,
 * user prices), models.refresh, the daily OpenRouter listing and the optional online price update,
 * with their contract handlers. Timers start with start() and stop with close().
 */
import type { ProviderId } from '../../../shared/contract/index.js';
import type { PartialHandlers } from '../app/handlers.js';
import type { Logger } from '../app/logger.js';
import type { KeyResolver } from '../ports.js';
import { CatalogRefresher } from './catalog-refresh.js';
import { CatalogService } from './catalog-service.js';
import { catalogHandlers } from './handlers.js';
import { ListingSchedule } from './listing-schedule.js';
import { MODELS_DEV_URL_ENV, PriceUpdates } from './price-updates.js';

export interface CatalogAreaOptions {
  dataDir: string;
  logger: Logger;
  /** Keys that list providers' models (the user's own first, else the environment's). */
  keys: Pick<KeyResolver, 'candidates'>;
  /** Whether the user allows online price updates (Settings.onlinePriceUpdates). */
  onlinePriceUpdates: () => boolean;
  /** Environment: SWITCHBOARD_MODELS_DEV_URL overrides where prices are fetched from. */
  env: Record<string, string | undefined>;
  /** The catalog changed in the background (a list or the price table): the renderer reloads models.list. */
  changed: () => void;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
}

export interface CatalogArea {
  catalog: CatalogService;
  handlers: PartialHandlers<'models.list' | 'models.setPrice' | 'models.refresh' | 'models.updatePrices'>;
  /** keys.changed: a new OpenRouter key lists OpenRouter's models and prices at once. */
  keyChanged(provider: ProviderId | undefined, keyId: string | undefined): void;
  /** The onlinePriceUpdates setting changed. */
  settingChanged(): void;
  start(): void;
  close(): Promise<void>;
}

export function createCatalogArea(o: CatalogAreaOptions): CatalogArea {
  const now = o.now ? { now: o.now } : {};
  const catalog = new CatalogService({ dataDir: o.dataDir, logger: o.logger, ...now, onChange: o.changed });
  const refresher = new CatalogRefresher({
    keys: o.keys,
    store: catalog.providerModels,
    known: (provider, model) => catalog.knows(provider, model),
    logger: o.logger,
    ...now,
  });
  const url = o.env[MODELS_DEV_URL_ENV]?.trim();
  const prices = new PriceUpdates({
    dataDir: o.dataDir,
    logger: o.logger,
    enabled: o.onlinePriceUpdates,
    ...(url ? { url } : {}),
    onTable: (table) => catalog.useTable(table),
    // A new table, or only a new status (a failed check says why): either way models.list answers differently.
    onChecked: o.changed,
    ...now,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  catalog.useTable(prices.table());
  const schedule = new ListingSchedule({ refresher, store: catalog.providerModels, keys: o.keys, logger: o.logger, ...now });
  return {
    catalog,
    handlers: catalogHandlers(catalog, { refresher, prices }),
    keyChanged: (provider, keyId) => schedule.keyChanged(provider, keyId),
    settingChanged: () => {
      prices.settingChanged();
      o.changed();
    },
    start: () => {
      prices.start();
      schedule.start();
    },
    close: async () => {
      prices.close();
      schedule.close();
      await schedule.idle();
      await prices.idle();
    },
  };
}
