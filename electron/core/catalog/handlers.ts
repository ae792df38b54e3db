import type { PartialHandlers } from '../app/handlers.js';
import type { Logger } from '../app/logger.js';
import type { KeyResolver } from '../ports.js';
import { CatalogRefresher } from './catalog-refresh.js';
import type { CatalogService } from './catalog-service.js';

export interface CatalogHandlerDeps {
  /** Keys that list providers' models for models.refresh. */
  keys: Pick<KeyResolver, 'candidates'>;
  logger: Logger;
  now?: () => number;
}

export function catalogHandlers(catalog: CatalogService, deps: CatalogHandlerDeps): PartialHandlers<'models.list' | 'models.setPrice' | 'models.refresh'> {
  const refresher = new CatalogRefresher({ keys: deps.keys, store: catalog.providerModels, logger: deps.logger, ...(deps.now ? { now: deps.now } : {}) });
  return {
    'models.list': (request) => {
      const providerListings = catalog.providerListings();
      return { models: catalog.list(request), checkedAt: catalog.checkedAt, ...(providerListings.length > 0 ? { providerListings } : {}) };
    },
    'models.setPrice': (request) => ({ model: catalog.setPrice(request) }),
    'models.refresh': (request) => refresher.refresh(request.provider),
  };
}
