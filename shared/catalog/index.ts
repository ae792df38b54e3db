import type { ProviderId } from '../contract/common.js';
import type { ModelInfo, ModelsListRequest } from '../contract/models.js';
import type { z } from 'zod';
import { CURATED_MODELS, CURATED_PROVIDERS } from './curated.js';
import { CATALOG_SOURCE, GENERATED_MODELS } from './models.generated.js';
import type { CuratedModel, GeneratedModel } from './types.js';

export { CATALOG_SOURCE } from './models.generated.js';
export type { CatalogSource, CuratedModel, GeneratedModel } from './types.js';

/** A bundled model as the app shows it, plus the other ids the provider answers with for it. */
export interface CatalogModel extends ModelInfo {
  aliases: string[];
}

function toModelInfo(g: GeneratedModel, c: CuratedModel | undefined): CatalogModel {
  const providerInfo = g.provider === 'openai-compatible' ? undefined : CURATED_PROVIDERS[g.provider];
  const notes = [c?.note, providerInfo?.note, g.pricesFrom ? `Prices are ${g.pricesFrom}'s (no separate price published).` : undefined].filter(
    (n): n is string => !!n,
  );
  const info: CatalogModel = {
    provider: g.provider,
    id: g.id,
    name: c?.name ?? g.name.replace(/\s*\(latest\)\s*$/i, ''),
    contextWindow: g.contextWindow,
    maxOutputTokens: g.maxOutputTokens,
    pricing: g.pricing,
    capabilities: [...g.capabilities],
    eu: c?.eu ?? providerInfo?.eu ?? false,
    recommended: c?.recommended ?? false,
    priceSource: g.pricing ? 'catalog' : null,
    pricesCheckedAt: g.pricing ? CATALOG_SOURCE.checkedAt : null,
    aliases: c?.aliases ?? [],
  };
  if (g.pricingTiers.length > 0) info.pricingTiers = g.pricingTiers.map((t) => ({ aboveInputTokens: t.aboveInputTokens, pricing: { ...t.pricing } }));
  if (notes.length > 0) info.note = notes.join(' ');
  return info;
}

const curatedByKey = new Map(CURATED_MODELS.map((c) => [`${c.provider}/${c.id}`, c]));

/** The bundled catalog: models.dev data for the curated models, with our flags and names. */
export const CATALOG: readonly CatalogModel[] = GENERATED_MODELS.map((g) => toModelInfo(g, curatedByKey.get(`${g.provider}/${g.id}`)));

const byKey = new Map<string, CatalogModel>();
for (const m of CATALOG) {
  byKey.set(`${m.provider}/${m.id}`, m);
  for (const alias of m.aliases) if (!byKey.has(`${m.provider}/${alias}`)) byKey.set(`${m.provider}/${alias}`, m);
}

/** The bundled entry for a model id (or one of its dated aliases), or null. Ids are matched exactly. */
export function findCatalogModel(provider: ProviderId, model: string): CatalogModel | null {
  return byKey.get(`${provider}/${model}`) ?? null;
}

export type ModelFilter = z.input<typeof ModelsListRequest>;

/** models.list filtering, shared so the renderer can narrow a list it already has the same way. */
export function filterModels<T extends ModelInfo>(models: readonly T[], filter: ModelFilter): T[] {
  const search = filter.search?.trim().toLowerCase();
  const words = search ? search.split(/\s+/) : [];
  return models.filter((m) => {
    if (filter.provider && m.provider !== filter.provider) return false;
    if (filter.capability && !m.capabilities.includes(filter.capability)) return false;
    if (filter.eu !== undefined && m.eu !== filter.eu) return false;
    if (filter.recommendedOnly && !m.recommended) return false;
    if (filter.maxInputPrice !== undefined && (m.pricing?.input == null || m.pricing.input > filter.maxInputPrice)) return false;
    if (words.length > 0) {
      const hay = `${m.provider} ${m.id} ${m.name}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}
