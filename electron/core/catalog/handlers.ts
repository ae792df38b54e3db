import type { PartialHandlers } from '../app/handlers.js';
import type { CatalogService } from './catalog-service.js';

export function catalogHandlers(catalog: CatalogService): PartialHandlers<'models.list' | 'models.setPrice'> {
  return {
    'models.list': (request) => ({ models: catalog.list(request), checkedAt: catalog.checkedAt }),
    'models.setPrice': (request) => ({ model: catalog.setPrice(request) }),
  };
}
