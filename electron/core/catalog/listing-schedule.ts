/**
 * Keeps the lists of providers that publish prices in their model list (OpenRouter) current without
 * anyone pressing "Refresh": refreshed when a key for the provider is added, and again once a day
 * while a key is there (a failed refresh is retried after an hour). Other providers' lists carry no
 * prices and are refreshed on request only (models.refresh).
 */
import type { ProviderId } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import type { KeyResolver } from '../ports.js';
import type { CatalogRefresher } from './catalog-refresh.js';
import type { ProviderModelStore } from './provider-model-store.js';

/** Providers whose model list carries their prices. */
export const PRICED_LISTINGS: readonly ProviderId[] = ['openrouter'];

const DAY_MS = 24 * 60 * 60 * 1000;
const RETRY_MS = 60 * 60 * 1000;
const CHECK_EVERY_MS = 60 * 60 * 1000;

export interface ListingScheduleOptions {
  refresher: Pick<CatalogRefresher, 'refresh'>;
  store: Pick<ProviderModelStore, 'list'>;
  keys: Pick<KeyResolver, 'candidates'>;
  logger: Logger;
  now?: () => number;
}

export class ListingSchedule {
  private readonly now: () => number;
  /** Keys a refresh already ran for: a key's status changing does not list again, a new key does. */
  private readonly seenKeys = new Set<string>();
  private readonly lastAttempt = new Map<ProviderId, number>();
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly options: ListingScheduleOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    const soon = setTimeout(() => void this.check(), 3000);
    soon.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The last background refresh (tests wait for it). */
  idle(): Promise<void> {
    return this.pending;
  }

  /** A key was added or changed (keys.changed): a key not seen before lists its provider at once. */
  keyChanged(provider: ProviderId | undefined, keyId: string | undefined): void {
    if (!provider || !keyId || !PRICED_LISTINGS.includes(provider) || this.seenKeys.has(keyId)) return;
    this.run(provider, async () => {
      const candidates = await this.options.keys.candidates(provider);
      if (!candidates.some((c) => c.id === keyId)) return false;
      this.seenKeys.add(keyId);
      return true;
    });
  }

  /** Refreshes each priced listing that is a day old (or missing) while a key is there; a failed one waits an hour. Resolves once they are done. */
  async check(): Promise<void> {
    for (const provider of PRICED_LISTINGS) {
      // Decided when its turn comes, so a refresh queued before (a key just added) counts.
      this.run(provider, async () => {
        const list = this.options.store.list(provider);
        if (list !== null && this.now() - Date.parse(list.fetchedAt) < DAY_MS) return false;
        const tried = this.lastAttempt.get(provider);
        if (tried !== undefined && this.now() - tried < RETRY_MS) return false;
        const candidates = await this.options.keys.candidates(provider);
        for (const c of candidates) this.seenKeys.add(c.id);
        return candidates.length > 0;
      });
    }
    await this.pending;
  }

  /** Refreshes one provider in the background when `go` says so; one at a time, failures logged. */
  private run(provider: ProviderId, go: () => Promise<boolean>): void {
    this.pending = this.pending.then(async () => {
      try {
        if (!(await go())) return;
        this.lastAttempt.set(provider, this.now());
        const answer = await this.options.refresher.refresh(provider);
        const result = answer.providers[0];
        if (result?.error) this.options.logger.warn('background model list refresh failed', { provider, code: result.error.code });
      } catch (err) {
        this.options.logger.warn('background model list refresh failed', { provider, err });
      }
    });
  }
}
