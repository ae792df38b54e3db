/**
 * An online models.dev download applied over the bundled table: a model the download has takes its
 * entry (prices as of the download), a model only the bundled table has keeps its bundled entry,
 * and new models join. Our own choices (curated.ts) apply to all of them when the table is built.
 */
import { CATALOG_SOURCE, GENERATED_MODELS, type CatalogEntry } from '../../../shared/catalog/index.js';
import type { GeneratedModel } from '../../../shared/catalog/types.js';
import type { ReadDocument } from './models-dev-document.js';

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

/** The entries of the table with the download applied, and how many differ from the bundled ones. */
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
