import { join } from 'node:path';
import { z } from 'zod';
import { Capability, Pricing, ProviderId } from '../../../shared/contract/index.js';
import { FileNotices } from '../app/file-notices.js';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';
import type { ListedEntry } from './provider-listing.js';

const Entry = z.object({
  id: z.string().min(1).max(300),
  name: z.string().max(200).nullable(),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  pricing: Pricing.nullable(),
  capabilities: z.array(Capability),
});

const ProviderList = z.object({
  /** When the list was fetched (ISO 8601). */
  fetchedAt: z.string(),
  /** Models the provider listed that the bundled catalog lacked when fetched. */
  models: z.array(Entry),
});
export type ProviderList = z.infer<typeof ProviderList>;

const FileShape = z.object({ version: z.literal(1), providers: z.partialRecord(ProviderId, ProviderList) });
const FILE = 'provider-models.json';

/**
 * The providers' model lists from the last successful refresh of each: `<dataDir>/provider-models.json`
 * (0600, atomic), so provider-listed models survive restarts and work offline.
 */
export class ProviderModelStore {
  private readonly path: string;
  private lists = new Map<ProviderId, ProviderList>();
  private byKey = new Map<string, ListedEntry>();

  constructor(
    dataDir: string,
    logger: Logger,
    /** Called after the lists changed (the catalog drops what it cached). */
    private readonly onChange: () => void = () => {},
    notices: FileNotices = new FileNotices(logger),
    now: () => number = Date.now,
  ) {
    this.path = join(dataDir, FILE);
    // Kept aside when damaged; the next refresh writes a fresh one.
    const parsed = readJsonOrSetAside(dataDir, FILE, FileShape, {
      notices,
      now,
      outcome: 'Models your providers listed are not shown until you refresh them (Models, Refresh from providers).',
    });
    if (parsed) this.swap(new Map(Object.entries(parsed.providers) as [ProviderId, ProviderList][]));
  }

  get(provider: ProviderId, model: string): ListedEntry | null {
    return this.byKey.get(key(provider, model)) ?? null;
  }

  list(provider: ProviderId): ProviderList | null {
    return this.lists.get(provider) ?? null;
  }

  /** Every kept list, in no particular order. */
  all(): Array<[ProviderId, ProviderList]> {
    return [...this.lists.entries()];
  }

  /**
   * Replaces the lists of the given providers (others are kept). Writes first, then swaps the
   * in-memory copy: a failed write leaves the file and what the app shows as they were.
   */
  replace(updates: ReadonlyMap<ProviderId, ProviderList>): void {
    if (updates.size === 0) return;
    const next = new Map(this.lists);
    for (const [provider, list] of updates) next.set(provider, list);
    saveFileAtomic(this.path, JSON.stringify({ version: 1, providers: Object.fromEntries(next) }) + '\n', {
      what: "The providers' model lists",
      kept: 'the previous lists stay in use',
    });
    this.swap(next);
    this.onChange();
  }

  private swap(next: Map<ProviderId, ProviderList>): void {
    const byKey = new Map<string, ListedEntry>();
    for (const [provider, list] of next) for (const m of list.models) byKey.set(key(provider, m.id), m);
    this.lists = next;
    this.byKey = byKey;
  }
}

function key(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}
