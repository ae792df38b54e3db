import { AppError, PROVIDER_IDS, type ModelsRefreshResult, type ProviderId } from '../../../shared/contract/index.js';
import { findCatalogModel } from '../../../shared/catalog/index.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';
import type { Logger } from '../app/logger.js';
import type { KeyResolver, ResolvedKey } from '../ports.js';
import { resolveBaseUrl } from '../providers/clients.js';
import { listModels, type ListedModel } from '../providers/list-models.js';
import { timedProviderCall } from '../providers/probe.js';
import { isChatModel, toListedEntry, type ListedEntry } from './provider-listing.js';
import type { ProviderList, ProviderModelStore } from './provider-model-store.js';

export const REFRESH_TIMEOUT_MS = 15_000;

export interface CatalogRefreshOptions {
  /** Which key lists a provider's models: the user's own first, else the environment's. */
  keys: Pick<KeyResolver, 'candidates'>;
  store: ProviderModelStore;
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
 * models.refresh: lists each configured provider's models through its SDK (one key per provider,
 * 15 s each, all providers at once) and keeps the models the bundled catalog lacks in the
 * ProviderModelStore. A provider whose listing fails keeps its previous list; the answer says why.
 * Secrets are only used to build the SDK client: never logged, never in an answer.
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

    const models = unknownModels(provider, key, listed);
    const fetchedAt = new Date(this.now()).toISOString();
    const priced = models.filter((m) => m.pricing !== null).length;
    this.options.logger.info('provider model list refreshed', { provider, listed: listed.length, added: models.length, priced });
    return {
      result: { provider, listed: listed.length, added: models.length, priced, fetchedAt },
      update: { fetchedAt, models },
    };
  }
}

/** The listed chat models the bundled catalog does not know, each once. */
function unknownModels(provider: ProviderId, key: ResolvedKey, listed: ListedModel[]): ListedEntry[] {
  if (provider === 'azure') {
    // Azure lists the base models a resource can deploy; calls name a deployment instead. The key's
    // deployment is the model id that works, so that is what the catalog gains.
    const deployment = key.options.deployment?.trim();
    if (!deployment || findCatalogModel(provider, deployment)) return [];
    const entry = toListedEntry(provider, { id: deployment, name: null, contextWindow: null, maxOutputTokens: null, chat: null, raw: {} });
    return entry ? [entry] : [];
  }
  const out = new Map<string, ListedEntry>();
  for (const m of listed) {
    if (!isChatModel(m)) continue;
    const entry = toListedEntry(provider, m);
    if (!entry || out.has(entry.id) || findCatalogModel(provider, entry.id)) continue;
    out.set(entry.id, entry);
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function providerName(provider: ProviderId): string {
  return PROVIDERS[provider].name;
}
