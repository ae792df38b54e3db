import type { Pricing, ProviderId } from '../contract/common.js';
import type { Capability } from '../contract/models.js';
import type { PricingTier } from '../cost.js';

/** Where the bundled prices came from: a snapshot of the models.dev repository. */
export interface CatalogSource {
  repository: string;
  commit: string;
  /** Commit date of the snapshot (ISO 8601): the prices are as of this moment. */
  commitDate: string;
  /** The same day as YYYY-MM-DD, shown as "prices checked". */
  checkedAt: string;
  /** Models models.dev lists for our providers that cannot chat (embeddings, speech, images), left out: `provider/id`. */
  notChat?: string[];
}

/** One model as read from models.dev by scripts/generate-catalog.ts. Source data only; our choices live in curated.ts. */
export interface GeneratedModel {
  provider: ProviderId;
  id: string;
  /** models.dev display name. */
  name: string;
  family: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  pricing: Pricing | null;
  pricingTiers: PricingTier[];
  capabilities: Capability[];
  releaseDate: string | null;
  lastUpdated: string | null;
  openWeights: boolean;
  /** models.dev status: deprecated, beta, alpha; null when generally available. */
  status: string | null;
  /** The TOML file read, e.g. providers/openai/models/gpt-4o.toml. */
  sourcePath: string;
  /** Set when the prices were taken from another model's file (an Azure deployment of an OpenAI model). */
  pricesFrom: string | null;
  /**
   * Price fields models.dev gives that Switchboard does not bill by (USD per million tokens): audio
   * (`input_audio`), a reasoning price other than the output price, request modes (`fast.input`), or a
   * field it does not know. Kept so nothing is dropped silently; shown in the model's note.
   */
  otherPrices?: Record<string, number>;
}

/**
 * Our own choice about a model: recommended, EU hosting, display name, dated aliases, and display
 * order (curated models come first in their provider, in this order). Every model models.dev lists
 * for our providers ships whether or not it is curated.
 */
export interface CuratedModel {
  provider: ProviderId;
  /** The id the provider's API takes. */
  id: string;
  /** models.dev file under providers/<dir>/models/, when it differs from `id`. */
  source?: string;
  /** Display name; defaults to the models.dev name without "(latest)". */
  name?: string;
  recommended?: boolean;
  /** Overrides the provider's EU default. */
  eu?: boolean;
  /** Other ids the provider answers with for the same model and price (dated snapshots). */
  aliases?: string[];
  /** When models.dev has no prices for this provider's model: take them from this file (provider dir/model). */
  pricesFrom?: string;
  note?: string;
}

export interface CuratedProvider {
  /** Folder under providers/ in models.dev. */
  modelsDevDir: string;
  /** Whether this provider serves from the EU by default. */
  eu: boolean;
  /** Shown beside every model of the provider. */
  note?: string;
}
