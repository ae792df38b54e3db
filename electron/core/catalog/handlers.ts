import type { PartialHandlers } from '../app/handlers.js';
import type { CatalogRefresher } from './catalog-refresh.js';
import type { CatalogService } from './catalog-service.js';
import type { PriceUpdates } from './price-updates.js';

export interface CatalogHandlerDeps {
  /** Lists providers' models for models.refresh. */
  refresher: Pick<CatalogRefresher, 'refresh'>;
  /** models.dev's online prices: status for models.list, models.updatePrices. */
  prices: Pick<PriceUpdates, 'status' | 'update'>;
}

export function catalogHandlers(catalog: CatalogService, deps: CatalogHandlerDeps): PartialHandlers<'models.list' | 'models.setPrice' | 'models.refresh' | 'models.updatePrices'> {
  return {
    'models.list': (request) => {
      const providerListings = catalog.providerListings();
      return { models: catalog.list(request), checkedAt: catalog.checkedAt, ...(providerListings.length > 0 ? { providerListings } : {}), priceUpdates: deps.prices.status() };
    },
    'models.setPrice': (request) => ({ model: catalog.setPrice(request) }),
    'models.refresh': (request) => deps.refresher.refresh(request.provider),
    'models.updatePrices': () => deps.prices.update(),
  };
}
