import { z } from 'zod';
import { ModelId, Pricing, ProviderId } from './common.js';

export const Capability = z.enum(['tools', 'vision', 'reasoning', 'json', 'audio']);
export type Capability = z.infer<typeof Capability>;

export const ModelInfo = z.object({
  provider: ProviderId,
  id: z.string(),
  name: z.string(),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  pricing: Pricing.nullable(),
  capabilities: z.array(Capability),
  eu: z.boolean(),
  recommended: z.boolean(),
  /** Where the price came from: the bundled catalog, the user, or a provider listing. */
  priceSource: z.enum(['catalog', 'user', 'provider']).nullable(),
  /** Day the price was checked (YYYY-MM-DD). */
  pricesCheckedAt: z.string().nullable(),
  /** Higher prices for long prompts: applies when a call's prompt (cached tokens included) exceeds aboveInputTokens. */
  pricingTiers: z.array(z.object({ aboveInputTokens: z.number().int().positive(), pricing: Pricing })).optional(),
  /** Where a price was mapped from, or what the EU flag depends on. */
  note: z.string().optional(),
  /** Day (YYYY-MM-DD) the provider last listed this model; only on models the catalog lacks that came from a refresh. */
  listedAt: z.string().optional(),
  /** models.dev's lifecycle mark: deprecated models may no longer be served; absent when generally available. */
  status: z.enum(['alpha', 'beta', 'deprecated']).optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelsListRequest = z
  .object({
    provider: ProviderId.optional(),
    capability: Capability.optional(),
    eu: z.boolean().optional(),
    /** Highest input price (USD per million tokens) to include. */
    maxInputPrice: z.number().nonnegative().optional(),
    search: z.string().max(200).optional(),
    recommendedOnly: z.boolean().optional(),
  })
  .strict();
export const ProviderListing = z.object({
  provider: ProviderId,
  /** When the provider's model list in use was fetched (ISO 8601). */
  fetchedAt: z.string(),
  /** Models of that list the bundled catalog lacks (shown as provider-listed). */
  models: z.number().int().nonnegative(),
});
export type ProviderListing = z.infer<typeof ProviderListing>;

/** Where the catalog's models.dev prices come from: the bundled snapshot, or a newer download (models.updatePrices). */
export const PriceUpdateStatus = z.object({
  /** Whether the user lets Switchboard fetch models.dev's current prices (at most daily). Off by default. */
  enabled: z.boolean(),
  /** The prices in use: the bundled table, or the last good download applied over it. */
  inUse: z.enum(['bundled', 'models.dev']),
  bundled: z.object({ repository: z.string(), commit: z.string(), commitDate: z.string(), checkedAt: z.string() }),
  /** The last good download (kept in the data folder); null before any. */
  online: z
    .object({
      url: z.string(),
      /** When it was downloaded (ISO 8601). */
      fetchedAt: z.string(),
      /** Models it priced for Switchboard's providers. */
      models: z.number().int().nonnegative(),
      /** Of those, how many differ from the bundled table (new models, other prices or limits). */
      changed: z.number().int().nonnegative(),
      /** Entries it had that could not be used (they keep their previous price), with a few named. */
      skipped: z.number().int().nonnegative(),
      skippedExamples: z.array(z.string()),
    })
    .nullable(),
  /** The address the prices are fetched from (models.dev's public api.json unless overridden). */
  url: z.string(),
  /** The last attempt (ISO 8601); null before any. */
  lastAttemptAt: z.string().nullable(),
  /** When the next automatic check is due (ISO 8601); null while updates are off. */
  nextCheckAt: z.string().nullable(),
  /** Why the last attempt changed nothing: the previous prices stay in use. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type PriceUpdateStatus = z.infer<typeof PriceUpdateStatus>;

export const ModelsListResponse = z.object({
  models: z.array(ModelInfo),
  checkedAt: z.string(),
  /** The providers' model lists kept from the last refreshes (models.refresh); absent before any. */
  providerListings: z.array(ProviderListing).optional(),
  /** Where the models.dev prices in use come from, and how the online update is doing. */
  priceUpdates: PriceUpdateStatus.optional(),
});

/** Fetches models.dev's current prices now (only when the user allowed online price updates). */
export const ModelsUpdatePricesRequest = z.object({}).strict();
export const ModelsUpdatePricesResponse = PriceUpdateStatus;

/** Fetches configured providers' model lists (one key per provider: the user's own first, else the environment's). */
export const ModelsRefreshRequest = z
  .object({
    /** Only this provider; every configured provider when absent. */
    provider: ProviderId.optional(),
  })
  .strict();
export const ModelsRefreshResult = z.object({
  provider: ProviderId,
  /** Models the provider listed this time (0 when the listing failed). */
  listed: z.number().int().nonnegative(),
  /** Listed models the catalog lacks: now in models.list with priceSource "provider". */
  added: z.number().int().nonnegative(),
  /** Of those added, how many come with the provider's own prices (OpenRouter publishes them). */
  priced: z.number().int().nonnegative(),
  /** Catalog models whose price is now the provider's own listed one (OpenRouter's live prices win over models.dev's). */
  repriced: z.number().int().nonnegative().optional(),
  /** Listed models whose prices could not be USD per token (left unknown; too many refuse the whole list). */
  rejectedPrices: z.number().int().nonnegative().optional(),
  /** When the list now in use was fetched; after a failure, the previous list's time (null: none kept). */
  fetchedAt: z.string().nullable(),
  /** Why the listing failed; the previous list for this provider stays in use. */
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
export type ModelsRefreshResult = z.infer<typeof ModelsRefreshResult>;
export const ModelsRefreshResponse = z.object({
  providers: z.array(ModelsRefreshResult),
  /** When this refresh ran (ISO 8601). */
  checkedAt: z.string(),
});

/** User-defined price for a custom or OpenAI-compatible model; `pricing: null` removes it. */
export const ModelsSetPriceRequest = z
  .object({
    provider: ProviderId,
    model: ModelId,
    pricing: Pricing.nullable(),
    contextWindow: z.number().int().positive().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
  })
  .strict();
export const ModelsSetPriceResponse = z.object({ model: ModelInfo.nullable() });

export const ProviderHealth = z.object({
  /** Share of failed calls among the recent ones (0..1); null before any call. */
  errorRate: z.number().min(0).max(1).nullable(),
  p50LatencyMs: z.number().nonnegative().nullable(),
  p50TtftMs: z.number().nonnegative().nullable(),
  recentCalls: z.number().int().nonnegative(),
  coolingDownUntil: z.number().nullable(),
});
export type ProviderHealth = z.infer<typeof ProviderHealth>;

export const ProviderInfo = z.object({
  id: ProviderId,
  name: z.string(),
  wire: z.enum(['openai', 'anthropic', 'gemini']),
  defaultBaseUrl: z.string().nullable(),
  keyRequired: z.boolean(),
  keyHint: z.string(),
  docsUrl: z.string(),
  envVars: z.array(z.string()),
  configured: z.boolean(),
  keyCount: z.number().int().nonnegative(),
  hasEnvironmentKey: z.boolean(),
  health: ProviderHealth,
  keyHealth: z.record(z.string(), ProviderHealth),
});
export type ProviderInfo = z.infer<typeof ProviderInfo>;

export const ProvidersListRequest = z.object({}).strict();
export const ProvidersListResponse = z.object({ providers: z.array(ProviderInfo) });
