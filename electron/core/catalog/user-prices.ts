import { join } from 'node:path';
import { z } from 'zod';
import { Pricing, ProviderId } from '../../../shared/contract/index.js';
import { FileNotices } from '../app/file-notices.js';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';

export const UserPrice = z.object({
  provider: ProviderId,
  model: z.string().min(1),
  pricing: Pricing,
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  /** Day the user set the price (YYYY-MM-DD). */
  setAt: z.string(),
});
export type UserPrice = z.infer<typeof UserPrice>;

const FileShape = z.object({ version: z.literal(1), prices: z.array(UserPrice) });
const FILE = 'model-prices.json';

/** Prices the user typed for custom, local or OpenAI-compatible models: `<dataDir>/model-prices.json`, 0600, atomic. */
export class UserPriceStore {
  private readonly path: string;
  private readonly prices = new Map<string, UserPrice>();

  constructor(dataDir: string, logger: Logger, notices: FileNotices = new FileNotices(logger), now: () => number = Date.now) {
    this.path = join(dataDir, FILE);
    const parsed = readJsonOrSetAside(dataDir, FILE, FileShape, { notices, now, outcome: 'Prices you set for models are not in use; set them again under Models.' });
    for (const p of parsed?.prices ?? []) this.prices.set(key(p.provider, p.model), p);
  }

  get(provider: ProviderId, model: string): UserPrice | null {
    return this.prices.get(key(provider, model)) ?? null;
  }

  all(): UserPrice[] {
    return [...this.prices.values()];
  }

  set(price: UserPrice): void {
    const next = new Map(this.prices);
    next.set(key(price.provider, price.model), price);
    this.save(next);
  }

  remove(provider: ProviderId, model: string): boolean {
    if (!this.prices.has(key(provider, model))) return false;
    const next = new Map(this.prices);
    next.delete(key(provider, model));
    this.save(next);
    return true;
  }

  /** Writes first, then swaps the in-memory copy: a failed write leaves both the file and memory as they were. */
  private save(next: Map<string, UserPrice>): void {
    saveFileAtomic(this.path, JSON.stringify({ version: 1, prices: [...next.values()] }, null, 2) + '\n', {
      what: 'The model price',
      kept: 'the previous prices are unchanged',
    });
    this.prices.clear();
    for (const [k, v] of next) this.prices.set(k, v);
  }
}

function key(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}
