import type { ProviderId } from '../contract/common.js';
import type { ModelInfo, ModelsListRequest } from '../contract/models.js';
import type { z } from 'zod';
import { CURATED_MODELS, CURATED_PROVIDERS } from './curated.js';
import { CATALOG_SOURCE, GENERATED_MODELS } from './models.generated.js';
import type { CuratedModel, GeneratedModel } from './types.js';

export { CATALOG_SOURCE, GENERATED_MODELS } from './models.generated.js';
export type { CatalogSource, CuratedModel, GeneratedModel } from './types.js';
export { isChatModel, isChatModelId } from './chat-models.js';

/** A catalog model as the app shows it, plus the other ids the provider answers with for it. */
export interface CatalogModel extends ModelInfo {
  aliases: string[];
}

/** One models.dev entry and the day its prices were checked (the bundled snapshot's, or an online update's). */
export interface CatalogEntry {
  model: GeneratedModel;
  checkedAt: string;
}

/** A catalog to look models up in: the bundled one, or the bundled one with an online price update applied. */
export interface CatalogTable {
  /** Every model, in display order: by provider as given, curated models first, then the newest. */
  readonly models: readonly CatalogModel[];
  /** The entry for a model id (or one of its dated aliases), or null. Ids are matched exactly. */
  find(provider: ProviderId, model: string): CatalogModel | null;
}

const OTHER_PRICE_LABELS: Record<string, string> = {
  input_audio: 'audio input',
  output_audio: 'audio output',
  reasoning: 'reasoning',
};

function describeOtherPrices(other: Record<string, number>): string | undefined {
  const parts = Object.entries(other).map(([k, v]) => {
    const dot = k.indexOf('.');
    const label = dot > 0 ? `${k.slice(0, dot)} mode ${k.slice(dot + 1).replaceAll('_', ' ')}` : (OTHER_PRICE_LABELS[k] ?? k.replaceAll('_', ' '));
    return `${label} $${v}`;
  });
  return parts.length > 0 ? `models.dev also lists prices Switchboard does not apply (per 1M tokens): ${parts.join(', ')}.` : undefined;
}

function toModelInfo(g: GeneratedModel, checkedAt: string, c: CuratedModel | undefined): CatalogModel {
  const providerInfo = g.provider === 'openai-compatible' ? undefined : CURATED_PROVIDERS[g.provider];
  const notes = [
    c?.note,
    providerInfo?.note,
    g.pricesFrom ? `Prices are ${g.pricesFrom}'s (no separate price published).` : undefined,
    g.status === 'deprecated' ? 'models.dev marks this model deprecated: the provider may no longer serve it.' : undefined,
    g.otherPrices ? describeOtherPrices(g.otherPrices) : undefined,
  ].filter((n): n is string => !!n);
  const info: CatalogModel = {
    provider: g.provider,
    id: g.id,
    name: c?.name ?? g.name.replace(/\s*\(latest\)\s*$/i, ''),
    contextWindow: g.contextWindow,
    maxOutputTokens: g.maxOutputTokens,
    pricing: g.pricing ? { ...g.pricing } : null,
    capabilities: [...g.capabilities],
    eu: c?.eu ?? providerInfo?.eu ?? false,
    recommended: c?.recommended ?? false,
    priceSource: g.pricing ? 'catalog' : null,
    pricesCheckedAt: g.pricing ? checkedAt : null,
    aliases: c?.aliases ?? [],
  };
  if (g.pricingTiers.length > 0) info.pricingTiers = g.pricingTiers.map((t) => ({ aboveInputTokens: t.aboveInputTokens, pricing: { ...t.pricing } }));
  if (g.status === 'alpha' || g.status === 'beta' || g.status === 'deprecated') info.status = g.status;
  if (notes.length > 0) info.note = notes.join(' ');
  return info;
}

const curatedByKey = new Map(CURATED_MODELS.map((c, i) => [`${c.provider}/${c.id}`, { c, i }]));

/**
 * Display order within a provider: curated models in curated.ts's order, then the others: in use
 * before deprecated, newest release first, then by id.
 */
function compareInProvider(a: GeneratedModel, b: GeneratedModel): number {
  const ca = curatedByKey.get(`${a.provider}/${a.id}`)?.i ?? Infinity;
  const cb = curatedByKey.get(`${b.provider}/${b.id}`)?.i ?? Infinity;
  if (ca !== cb) return ca < cb ? -1 : 1;
  const da = a.status === 'deprecated' ? 1 : 0;
  const db = b.status === 'deprecated' ? 1 : 0;
  if (da !== db) return da - db;
  const ra = a.releaseDate ?? '';
  const rb = b.releaseDate ?? '';
  if (ra !== rb) return ra < rb ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const PROVIDER_ORDER = new Map(Object.keys(CURATED_PROVIDERS).map((p, i) => [p, i]));

export function buildCatalogTable(entries: Iterable<CatalogEntry>): CatalogTable {
  const sorted = [...entries].sort(
    (a, b) => (PROVIDER_ORDER.get(a.model.provider) ?? 99) - (PROVIDER_ORDER.get(b.model.provider) ?? 99) || compareInProvider(a.model, b.model),
  );
  const models = sorted.map((e) => toModelInfo(e.model, e.checkedAt, curatedByKey.get(`${e.model.provider}/${e.model.id}`)?.c));
  const byKey = new Map<string, CatalogModel>();
  for (const m of models) byKey.set(`${m.provider}/${m.id}`, m);
  // Real ids first: a dated alias never hides a model of that id.
  for (const m of models) for (const alias of m.aliases) if (!byKey.has(`${m.provider}/${alias}`)) byKey.set(`${m.provider}/${alias}`, m);
  return {
    models,
    find: (provider, model) => byKey.get(`${provider}/${model}`) ?? null,
  };
}

/** The bundled catalog: every chat model models.dev lists for our providers, with our flags and names. */
export const BUNDLED_CATALOG: CatalogTable = buildCatalogTable(GENERATED_MODELS.map((model) => ({ model, checkedAt: CATALOG_SOURCE.checkedAt })));
export const CATALOG: readonly CatalogModel[] = BUNDLED_CATALOG.models;

/** The bundled entry for a model id (or one of its dated aliases), or null. Ids are matched exactly. */
export function findCatalogModel(provider: ProviderId, model: string): CatalogModel | null {
  return BUNDLED_CATALOG.find(provider, model);
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
