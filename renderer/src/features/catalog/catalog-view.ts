import type { ModelInfo } from '../../../../shared/contract/index.js';

/**
 * What the Models page shows of the list models.list answered: deprecated models hidden unless asked
 * for, an order, and one page of it (the catalog has hundreds of models; a page keeps the table
 * quick, keyboard-walkable and printable).
 */
export type CatalogSort = 'catalog' | 'input' | 'output' | 'context' | 'name';

export const SORT_LABELS: Record<CatalogSort, string> = {
  catalog: 'Yours, then recommended',
  input: 'Input price, lowest first',
  output: 'Output price, lowest first',
  context: 'Context window, largest first',
  name: 'Name',
};

export const PAGE_SIZE = 50;

export interface CatalogViewOptions {
  includeDeprecated: boolean;
  sort: CatalogSort;
  /** 0-based; clamped to the last page. */
  page: number;
}

export interface CatalogView {
  rows: ModelInfo[];
  /** Models after hiding deprecated ones (what the pages cover). */
  total: number;
  deprecatedHidden: number;
  page: number;
  pageCount: number;
  /** 1-based positions of the first and last row shown (0, 0 when there are none). */
  from: number;
  to: number;
}

/** Unknown values sort after every known one, whatever the direction. */
function byNumber(get: (m: ModelInfo) => number | null | undefined, direction: 1 | -1) {
  return (a: ModelInfo, b: ModelInfo) => {
    const x = get(a);
    const y = get(b);
    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
    return (x - y) * direction;
  };
}

const COMPARE: Record<Exclude<CatalogSort, 'catalog'>, (a: ModelInfo, b: ModelInfo) => number> = {
  input: byNumber((m) => m.pricing?.input, 1),
  output: byNumber((m) => m.pricing?.output, 1),
  context: byNumber((m) => m.contextWindow, -1),
  name: (a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.provider.localeCompare(b.provider),
};

export function catalogView(models: readonly ModelInfo[], options: CatalogViewOptions): CatalogView {
  const shown = options.includeDeprecated ? [...models] : models.filter((m) => m.status !== 'deprecated');
  // The core's order is curated (recommended and newest first per provider). Across providers, models
  // the user priced come first (a custom price just saved is in view), then the recommended ones.
  const rank = (m: ModelInfo) => (m.priceSource === 'user' ? 0 : m.recommended ? 1 : 2);
  const sorted =
    options.sort === 'catalog'
      ? shown.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i).map((x) => x.m)
      : shown.map((m, i) => ({ m, i })).sort((a, b) => COMPARE[options.sort as Exclude<CatalogSort, 'catalog'>](a.m, b.m) || a.i - b.i).map((x) => x.m);
  const pageCount = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, options.page), pageCount - 1);
  const rows = sorted.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  return {
    rows,
    total: sorted.length,
    deprecatedHidden: models.length - shown.length,
    page,
    pageCount,
    from: rows.length === 0 ? 0 : page * PAGE_SIZE + 1,
    to: page * PAGE_SIZE + rows.length,
  };
}
