import {
  AppError,
  PROVIDER_IDS,
  type ModelInfo,
  type Pricing,
  type ProviderId,
} from '../../../shared/contract/index.js';
import { BUNDLED_CATALOG, CATALOG_SOURCE, filterModels, type CatalogModel, type CatalogTable, type ModelFilter } from '../../../shared/catalog/index.js';
import { checkPricePerMillion } from '../../../shared/cost.js';
import type { Logger } from '../app/logger.js';
import type { ModelLookup } from '../ports.js';
import { UserPriceStore, type UserPrice } from './user-prices.js';
import { listedModelInfo, withListedPrice, type ListedEntry } from './provider-listing.js';
import { ProviderModelStore } from './provider-model-store.js';

export interface CatalogServiceOptions {
  dataDir: string;
  logger: Logger;
  now?: () => number;
  /** Called after the providers' lists changed (a refresh), e.g. to tell the renderer. */
  onChange?: () => void;
}

export interface SetPriceInput {
  provider: ProviderId;
  model: string;
  pricing: Pricing | null;
  contextWindow?: number;
  maxOutputTokens?: number;
}

const PROVIDER_ORDER = new Map(PROVIDER_IDS.map((p, i) => [p, i]));
const FOUND_CACHE = 1024;

/**
 * The model catalog the app sees, in layers where each wins over the ones before it:
 *   1. models.dev: the bundled table, or the last online price update applied over it (useTable);
 *   2. providers' own lists (models.refresh): models the table lacks, and the provider's live price
 *      where it publishes one (OpenRouter);
 *   3. prices the user set by hand.
 * A model in none of them is still usable: `find` answers null and its cost is unknown.
 */
export class CatalogService implements ModelLookup {
  private readonly userPrices: UserPriceStore;
  private readonly now: () => number;
  /** find() answers by provider and model (null: not in the catalog); cleared when a price changes. */
  private readonly found = new Map<string, ModelInfo | null>();
  /** Models the providers listed (models.refresh): those the table lacks, and those with the provider's own price. */
  readonly providerModels: ProviderModelStore;
  /** The models.dev layer: the bundled table until an online update applies a newer one. */
  private table: CatalogTable = BUNDLED_CATALOG;

  constructor(options: CatalogServiceOptions) {
    this.userPrices = new UserPriceStore(options.dataDir, options.logger);
    this.providerModels = new ProviderModelStore(options.dataDir, options.logger, () => {
      this.found.clear();
      options.onChange?.();
    });
    this.now = options.now ?? Date.now;
  }

  /** Day the bundled prices were checked against the source (YYYY-MM-DD). */
  get checkedAt(): string {
    return CATALOG_SOURCE.checkedAt;
  }

  /** Switches the models.dev layer (an online price update, or back to the bundled table). */
  useTable(table: CatalogTable): void {
    this.table = table;
    this.found.clear();
  }

  /** Whether the models.dev layer knows the model (a provider's list then only adds its own price). */
  knows(provider: ProviderId, model: string): boolean {
    return this.table.find(provider, model) !== null;
  }

  /**
   * The model's entry (the router and admission ask on every turn). Answers are cached until a price
   * changes and are frozen, shared by every caller: read them, copy to change.
   */
  find(provider: ProviderId, model: string): ModelInfo | null {
    const k = `${provider}\u0000${model}`;
    let info = this.found.get(k);
    if (info === undefined) {
      const fromTable = this.table.find(provider, model);
      const user = this.userPrices.get(provider, model);
      const base = fromTable ? this.withListing(plain(fromTable)) : this.listed(provider, model);
      info = user ? withUserPrice(base, user) : base;
      if (info) freezeInfo(info);
      // Model names come from requests: bounded, oldest first out.
      if (this.found.size >= FOUND_CACHE) this.found.delete(this.found.keys().next().value!);
      this.found.set(k, info);
    }
    return info;
  }

  list(filter: ModelFilter = {}): ModelInfo[] {
    const seen = new Set<string>();
    const all: ModelInfo[] = [];
    for (const m of this.table.models) {
      seen.add(`${m.provider}/${m.id}`);
      const user = this.userPrices.get(m.provider, m.id);
      const info = this.withListing(plain(m));
      all.push(user ? withUserPrice(info, user) : info);
    }
    for (const [provider, listing] of this.providerModels.all()) {
      for (const entry of listing.models) {
        if (seen.has(`${provider}/${entry.id}`) || this.table.find(provider, entry.id)) continue;
        seen.add(`${provider}/${entry.id}`);
        const info = listedModelInfo(provider, entry, listing.fetchedAt);
        const user = this.userPrices.get(provider, entry.id);
        all.push(user ? withUserPrice(info, user) : info);
      }
    }
    const custom = this.userPrices
      .all()
      .filter((u) => !seen.has(`${u.provider}/${u.model}`) && !this.table.find(u.provider, u.model))
      .map((u) => withUserPrice(null, u))
      .sort((a, b) => a.id.localeCompare(b.id));
    all.push(...custom);
    const ordered = all
      .map((m, i) => ({ m, i }))
      .sort((a, b) => (PROVIDER_ORDER.get(a.m.provider) ?? 99) - (PROVIDER_ORDER.get(b.m.provider) ?? 99) || a.i - b.i)
      .map((x) => x.m);
    return filterModels(ordered, filter);
  }

  /** A table model with its provider's own listed price, when the provider published one. */
  private withListing(info: ModelInfo): ModelInfo {
    const entry: ListedEntry | null = this.providerModels.get(info.provider, info.id);
    const listing = entry ? this.providerModels.list(info.provider) : null;
    return entry && listing ? withListedPrice(info, entry, listing.fetchedAt) : info;
  }

  /** The providers' model lists in use (from models.refresh), for models.list; `models` counts the ones the table lacks. */
  providerListings(): Array<{ provider: ProviderId; fetchedAt: string; models: number }> {
    return this.providerModels
      .all()
      .map(([provider, l]) => ({ provider, fetchedAt: l.fetchedAt, models: l.models.filter((m) => !this.table.find(provider, m.id)).length }))
      .sort((a, b) => (PROVIDER_ORDER.get(a.provider) ?? 99) - (PROVIDER_ORDER.get(b.provider) ?? 99));
  }

  private listed(provider: ProviderId, model: string): ModelInfo | null {
    const entry = this.providerModels.get(provider, model);
    const listing = entry ? this.providerModels.list(provider) : null;
    return entry && listing ? listedModelInfo(provider, entry, listing.fetchedAt) : null;
  }

  /** Sets (or with `pricing: null` removes) the user's price for a model. Throws VALIDATION for implausible prices. */
  setPrice(input: SetPriceInput): ModelInfo | null {
    // Cleared before writing, since writePrice answers with a fresh find(), and again after a failure.
    this.found.clear();
    try {
      return this.writePrice(input);
    } catch (err) {
      this.found.clear();
      throw err;
    }
  }

  private writePrice(input: SetPriceInput): ModelInfo | null {
    if (input.pricing === null) {
      this.userPrices.remove(input.provider, input.model);
      return this.find(input.provider, input.model);
    }
    const p = input.pricing;
    if (p.input === null || p.output === null) {
      throw new AppError('VALIDATION', 'Give both an input and an output price in USD per million tokens (0 for a free local model).', {
        field: p.input === null ? 'pricing.input' : 'pricing.output',
      });
    }
    for (const kind of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) {
      const value = p[kind];
      if (value === null) continue;
      const why = checkPricePerMillion(value);
      if (why) throw new AppError('VALIDATION', `pricing.${kind}: ${why}.`, { field: `pricing.${kind}`, value });
    }
    const existing = this.userPrices.get(input.provider, input.model);
    this.userPrices.set({
      provider: input.provider,
      model: input.model,
      pricing: { input: p.input, output: p.output, cacheRead: p.cacheRead, cacheWrite: p.cacheWrite },
      contextWindow: input.contextWindow ?? existing?.contextWindow ?? null,
      maxOutputTokens: input.maxOutputTokens ?? existing?.maxOutputTokens ?? null,
      setAt: new Date(this.now()).toISOString().slice(0, 10),
    });
    return this.find(input.provider, input.model);
  }
}

/** find() answers are shared between callers, so none can change what another reads. */
function freezeInfo(info: ModelInfo): void {
  Object.freeze(info.capabilities);
  if (info.pricing) Object.freeze(info.pricing);
  // plain() shares the tiers with the bundled table: freeze a copy, not the table.
  if (info.pricingTiers) info.pricingTiers = Object.freeze(info.pricingTiers.map((t) => Object.freeze({ ...t, pricing: Object.freeze({ ...t.pricing }) }))) as typeof info.pricingTiers;
  Object.freeze(info);
}

/** A catalog entry without the alias list (a copy, so callers cannot change the bundled table). */
function plain(m: CatalogModel): ModelInfo {
  const { aliases: _aliases, ...info } = m;
  return { ...info, capabilities: [...info.capabilities], pricing: info.pricing ? { ...info.pricing } : null };
}

function withUserPrice(base: ModelInfo | null, user: UserPrice): ModelInfo {
  const info: ModelInfo = base
    ? { ...base }
    : {
        provider: user.provider,
        id: user.model,
        name: user.model,
        contextWindow: null,
        maxOutputTokens: null,
        pricing: null,
        capabilities: [],
        eu: false,
        recommended: false,
        priceSource: null,
        pricesCheckedAt: null,
      };
  info.pricing = { ...user.pricing };
  info.priceSource = 'user';
  info.pricesCheckedAt = user.setAt;
  // The user's price has no long-prompt tiers: it is the price they pay.
  delete info.pricingTiers;
  if (user.contextWindow !== null) info.contextWindow = user.contextWindow;
  if (user.maxOutputTokens !== null) info.maxOutputTokens = user.maxOutputTokens;
  return info;
}
