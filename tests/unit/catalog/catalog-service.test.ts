import { readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { CatalogService } from '../../../electron/core/catalog/catalog-service.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dirs: Array<() => void> = [];
afterEach(() => {
  while (dirs.length) dirs.pop()!();
});
function service() {
  const t = tempDir();
  dirs.push(t.cleanup);
  return { dir: t.path, svc: new CatalogService({ dataDir: t.path, logger: silentLogger, now: () => Date.UTC(2026, 5, 1) }) };
}
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected an error');
}
const price = (input: number | null, output: number | null, cacheRead: number | null = null) => ({ input, output, cacheRead, cacheWrite: null });

describe('catalog service', () => {
  it('a model in no catalog is still usable: find answers null, so its cost is unknown', () => {
    const { svc } = service();
    expect(svc.find('openai-compatible', 'llama3.2')).toBeNull();
    expect(svc.find('openai', 'gpt-4o-mini')).toMatchObject({ priceSource: 'catalog', pricing: { input: 0.15 } });
  });

  it('user prices for custom models persist (0600, atomic) and appear in models.list', () => {
    const { dir, svc } = service();
    const m = svc.setPrice({ provider: 'openai-compatible', model: 'llama3.2', pricing: price(0, 0), contextWindow: 8192 });
    expect(m).toMatchObject({ id: 'llama3.2', priceSource: 'user', pricing: price(0, 0), contextWindow: 8192, pricesCheckedAt: '2026-06-01' });
    const file = join(dir, 'model-prices.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = new CatalogService({ dataDir: dir, logger: silentLogger });
    expect(again.find('openai-compatible', 'llama3.2')?.pricing).toEqual(price(0, 0));
    expect(again.list({ provider: 'openai-compatible' }).map((x) => x.id)).toEqual(['llama3.2']);
    // A user price overrides the bundled one (e.g. a negotiated rate) and drops its tiers.
    const pro = again.setPrice({ provider: 'gemini', model: 'gemini-2.5-pro', pricing: price(1, 8, 0.1) })!;
    expect(pro).toMatchObject({ priceSource: 'user', pricing: price(1, 8, 0.1), name: 'Gemini 2.5 Pro' });
    expect(pro.pricingTiers).toBeUndefined();
    // pricing: null removes it: back to the bundled price.
    expect(again.setPrice({ provider: 'gemini', model: 'gemini-2.5-pro', pricing: null })!.priceSource).toBe('catalog');
    expect(again.setPrice({ provider: 'openai-compatible', model: 'llama3.2', pricing: null })).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8')).prices).toEqual([]);
  });

  it('refuses a price that looks per-token, naming the field and the per-million value', () => {
    const { svc } = service();
    const err = thrown(() => svc.setPrice({ provider: 'openai-compatible', model: 'm', pricing: price(0.0000025, 10) }));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/pricing\.input.*per token.*2\.5/);
    expect(err.details).toMatchObject({ field: 'pricing.input' });
    expect(thrown(() => svc.setPrice({ provider: 'openai-compatible', model: 'm', pricing: price(1, 10, 0.00000001) })).details).toMatchObject({ field: 'pricing.cacheRead' });
    expect(thrown(() => svc.setPrice({ provider: 'openai-compatible', model: 'm', pricing: price(1, 1e6) })).message).toMatch(/per million/);
    expect(thrown(() => svc.setPrice({ provider: 'openai-compatible', model: 'm', pricing: price(null, 1) })).message).toMatch(/input and an output price.*0 for a free local model/);
    expect(svc.find('openai-compatible', 'm')).toBeNull();
  });

  it('an unreadable prices file is kept aside, not overwritten, and the catalog still works', () => {
    const { dir } = service();
    writeFileSync(join(dir, 'model-prices.json'), '{ not json', { mode: 0o600 });
    const svc = new CatalogService({ dataDir: dir, logger: silentLogger });
    expect(svc.find('openai-compatible', 'x')).toBeNull();
    expect(readdirSync(dir).some((f) => f.startsWith('model-prices.json.damaged-'))).toBe(true);
    expect(svc.list().length).toBeGreaterThanOrEqual(40);
  });

  it('lists in provider order, recommended first where asked, with every contract field', () => {
    const { svc } = service();
    const all = svc.list();
    const order = all.map((m) => m.provider);
    expect(order.indexOf('openai')).toBeLessThan(order.indexOf('anthropic'));
    for (const m of all) {
      expect(Object.keys(m)).toEqual(expect.arrayContaining(['provider', 'id', 'name', 'contextWindow', 'maxOutputTokens', 'pricing', 'eu', 'recommended', 'capabilities', 'priceSource', 'pricesCheckedAt']));
      expect(m).not.toHaveProperty('aliases');
    }
  });
});

describe('catalog service write failures', () => {
  it('a price that cannot be saved leaves the file and the prices in memory as they were', async () => {
    const { mkdirSync, rmSync } = await import('node:fs');
    const { dir, svc } = service();
    svc.setPrice({ provider: 'openai-compatible', model: 'kept', pricing: price(1, 2) });
    // Make the rename fail: the target name is taken by a folder.
    rmSync(join(dir, 'model-prices.json'));
    mkdirSync(join(dir, 'model-prices.json'));
    const err = thrown(() => svc.setPrice({ provider: 'openai-compatible', model: 'new', pricing: price(3, 4) }));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/could not be saved.*previous prices are unchanged/);
    expect(svc.find('openai-compatible', 'new')).toBeNull();
    expect(svc.find('openai-compatible', 'kept')?.pricing).toEqual(price(1, 2));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
