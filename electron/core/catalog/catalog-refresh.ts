import { AppError, PROVIDER_IDS, type ModelsRefreshResult, type ProviderId } from '../../../shared/contract/index.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';
import type { Logger } from '../app/logger.js';
import type { KeyResolver, ResolvedKey } from '../ports.js';
import { resolveBaseUrl } from '../providers/clients.js';
import { listModels, type ListedModel } from '../providers/list-models.js';
import { timedProviderCall } from '../providers/probe.js';
import { isChatModel, readOpenRouterPricing, toListedEntry, type ListedEntry } from './provider-listing.js';
import type { ProviderList, ProviderModelStore } from './provider-model-store.js';

export const REFRESH_TIMEOUT_MS = 15_000;

export interface CatalogRefreshOptions {
  /** Which key lists a provider's models: the user's own first, else the environment's. */
  keys: Pick<KeyResolver, 'candidates'>;
  store: ProviderModelStore;
  /** Whether the catalog's models.dev table already has the model (then only the provider's own price is kept). */
  known: (provider: ProviderId, model: string) => boolean;
  logger: Logger;
  now?: () => number;
  timeoutMs?: number;
  /** A fetch for the SDK clients (tests). */
  fetch?: typeof globalThis.fetch;
}

export interface RefreshAnswer {
  providers: ModelsRefreshResult[];
  checkedAt: string;
}

interface Outcome {
  result: ModelsRefreshResult;
  update?: ProviderList;
}

/**
 * A listing where more than this share of the published prices cannot be prices per token is taken
 * for a change of units (per million, per thousand) and refused as a whole: better the previous
 * prices than every price a million times off.
 */
export const MAX_REJECTED_PRICE_SHARE = 0.25;

/**
 * models.refresh: lists each configured provider's models through its SDK (one key per provider,
 * 15 s each, all providers at once) and keeps, in the ProviderModelStore, the models the catalog
 * lacks and those the provider lists with its own price (OpenRouter). A provider whose listing fails
 * keeps its previous list; the answer says why. Secrets are only used to build the SDK client: never
 * logged, never in an answer.
 */
export class CatalogRefresher {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  /** Identical refreshes already running are joined, not repeated. */
  private readonly running = new Map<string, Promise<RefreshAnswer>>();

  constructor(private readonly options: CatalogRefreshOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? REFRESH_TIMEOUT_MS;
  }

  refresh(provider?: ProviderId): Promise<RefreshAnswer> {
    const k = provider ?? '*';
    let run = this.running.get(k);
    if (!run) {
      run = this.run(provider).finally(() => this.running.delete(k));
      this.running.set(k, run);
    }
    return run;
  }

  private async run(only: ProviderId | undefined): Promise<RefreshAnswer> {
    const providers = only ? [only] : [...PROVIDER_IDS];
    const outcomes = await Promise.all(providers.map((p) => this.refreshOne(p, only !== undefined)));
    const done = outcomes.filter((o): o is Outcome => o !== null);
    const updates = new Map<ProviderId, ProviderList>();
    for (const o of done) if (o.update) updates.set(o.result.provider, o.update);
    // One write for the whole refresh; on failure nothing changes and the caller hears why.
    this.options.store.replace(updates);
    return { providers: done.map((o) => o.result), checkedAt: new Date(this.now()).toISOString() };
  }

  /** null: the provider has no key and was not asked for by name. */
  private async refreshOne(provider: ProviderId, named: boolean): Promise<Outcome | null> {
    const previous = this.options.store.list(provider);
    const failed = (code: string, message: string, hint?: string): Outcome => ({
      result: { provider, listed: 0, added: 0, priced: 0, fetchedAt: previous?.fetchedAt ?? null, error: { code, message, ...(hint ? { hint } : {}) } },
    });

    let key: ResolvedKey | undefined;
    try {
      const candidates = await this.options.keys.candidates(provider);
      key = candidates.find((c) => c.source !== 'environment') ?? candidates[0];
    } catch (err) {
      if (err instanceof AppError) return failed(err.code, err.message);
      throw err;
    }
    if (!key) {
      return named ? failed('KEY_NOT_FOUND', `No usable ${providerName(provider)} key: add one in Settings → Providers & Keys, then refresh.`) : null;
    }

    let baseUrl: string;
    try {
      baseUrl = resolveBaseUrl(key);
    } catch (err) {
      return err instanceof AppError ? failed(err.code, err.message) : failed('INTERNAL', 'The key has no usable base URL.');
    }
    const outcome = await timedProviderCall({ provider, baseUrl, secret: key.secret }, this.timeoutMs, (signal) =>
      listModels(key, { signal, timeoutMs: this.timeoutMs, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) }),
    );
    if (!outcome.ok) {
      const { info } = outcome;
      // The classification only: an SDK error can carry request details.
      this.options.logger.warn('provider model list failed', { provider, code: info.code, cause: info.cause, status: info.status });
      return failed(info.code, info.message, info.hint);
    }
    const listed = outcome.value;

    const rejected = provider === 'openrouter' ? rejectedPrices(listed) : { models: 0, priced: 0 };
    if (rejected.models > 0 && rejected.models > rejected.priced * MAX_REJECTED_PRICE_SHARE) {
      this.options.logger.warn('provider model list refused: implausible prices', { provider, rejected: rejected.models, priced: rejected.priced });
      return failed(
        'IMPLAUSIBLE_PRICES',
        `${providerName(provider)} listed ${rejected.models} of ${rejected.priced} prices that cannot be USD per token (a change of units?); the previous list stays in use.`,
      );
    }
    const models = keptModels(provider, key, listed, this.options.known);
    const fetchedAt = new Date(this.now()).toISOString();
    const added = models.filter((m) => !this.options.known(provider, m.id));
    const priced = added.filter((m) => m.pricing !== null).length;
    const repriced = models.length - added.length;
    this.options.logger.info('provider model list refreshed', { provider, listed: listed.length, added: added.length, priced, repriced, rejectedPrices: rejected.models });
    return {
      result: {
        provider,
        listed: listed.length,
        added: added.length,
        priced,
        fetchedAt,
        ...(repriced > 0 ? { repriced } : {}),
        ...(rejected.models > 0 ? { rejectedPrices: rejected.models } : {}),
      },
      update: { fetchedAt, models },
    };
  }
}

/** How many listed models carry prices, and of those how many hold a value that is not a plausible price per token. */
function rejectedPrices(listed: ListedModel[]): { models: number; priced: number } {
  let models = 0;
  let priced = 0;
  for (const m of listed) {
    if (m.raw.pricing === null || typeof m.raw.pricing !== 'object') continue;
    priced++;
    if (readOpenRouterPricing(m.raw).rejected.length > 0) models++;
  }
  return { models, priced };
}

/** A listed model's own price, input and output both known: what makes it win over the catalog's. */
function hasOwnPrice(e: ListedEntry): boolean {
  return e.pricing !== null && e.pricing.input !== null && e.pricing.output !== null;
}

/** The listed chat models worth keeping, each once: those the catalog does not know, and those with the provider's own price. */
function keptModels(provider: ProviderId, key: ResolvedKey, listed: ListedModel[], known: (provider: ProviderId, model: string) => boolean): ListedEntry[] {
  if (provider === 'azure') {
    // Azure lists the base models a resource can deploy; calls name a deployment instead. The key's
    // deployment is the model id that works, so that is what the catalog gains.
    const deployment = key.options.deployment?.trim();
    if (!deployment || known(provider, deployment)) return [];
    const entry = toListedEntry(provider, { id: deployment, name: null, contextWindow: null, maxOutputTokens: null, chat: null, raw: {} });
    return entry ? [entry] : [];
  }
  const out = new Map<string, ListedEntry>();
  for (const m of listed) {
    if (!isChatModel(m)) continue;
    const entry = toListedEntry(provider, m);
    if (!entry || out.has(entry.id) || (known(provider, entry.id) && !hasOwnPrice(entry))) continue;
    out.set(entry.id, entry);
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function providerName(provider: ProviderId): string {
  return PROVIDERS[provider].name;
}
