import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../electron/core/app/logger.js';
import { CatalogService } from '../../../electron/core/catalog/catalog-service.js';
import { PriceUpdates } from '../../../electron/core/catalog/price-updates.js';
import { CATALOG_SOURCE, findCatalogModel, GENERATED_MODELS } from '../../../shared/catalog/index.js';
import { PriceUpdateStatus } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The online price update against the fake server's copy of models.dev's api.json: what is applied
// (and over what), what a bad download leaves behind, how often it is fetched, what is kept on disk.

const HOUR = 60 * 60 * 1000;
let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

interface Setup {
  dataDir: string;
  catalog: CatalogService;
  prices: PriceUpdates;
  clock: { now: number };
  setEnabled(on: boolean): void;
  log(): string;
  fetches(): number;
  /** How often the catalog was told a check ended (the renderer reloads then). */
  checked(): number;
}

function setup(options: { dir?: string; fault?: string; enabled?: boolean; url?: string } = {}): Setup {
  let dataDir = options.dir;
  if (!dataDir) {
    const t = tempDir('sb-prices-');
    cleanups.push(t.cleanup);
    dataDir = t.path;
  }
  const clock = { now: Date.UTC(2026, 11, 7, 9, 0) };
  const lines: string[] = [];
  const logger: Logger = createLogger({ write: (l) => lines.push(l) });
  const catalog = new CatalogService({ dataDir, logger, now: () => clock.now });
  let enabled = options.enabled ?? true;
  const url = options.url ?? `${fake.url}/models.dev/api.json${options.fault ? `?fault=${options.fault}` : ''}`;
  let checked = 0;
  const prices = new PriceUpdates({ dataDir, logger, enabled: () => enabled, url, onTable: (t) => catalog.useTable(t), onChecked: () => checked++, now: () => clock.now, timeoutMs: 5000 });
  catalog.useTable(prices.table());
  return {
    dataDir,
    catalog,
    prices,
    clock,
    setEnabled: (on) => {
      enabled = on;
      prices.settingChanged();
    },
    log: () => lines.join('\n'),
    fetches: () => fake.stats().requests['GET /models.dev/api.json'] ?? 0,
    checked: () => checked,
  };
}

const TODAY = '2026-12-07';

describe('online price updates (models.dev api.json)', () => {
  it('applies the download over the bundled table: changed prices, new models, legacy tiers; the rest stays bundled', async () => {
    const s = setup();
    const status = await s.prices.update();
    expect(PriceUpdateStatus.parse(status)).toEqual(status);
    expect(status).toMatchObject({ enabled: true, inUse: 'models.dev', lastAttemptAt: new Date(s.clock.now).toISOString(), bundled: { commit: CATALOG_SOURCE.commit } });
    expect(status.error).toBeUndefined();
    expect(status.online).toMatchObject({ url: expect.stringContaining('/models.dev/api.json'), fetchedAt: new Date(s.clock.now).toISOString(), models: GENERATED_MODELS.length + 2, changed: 3, skipped: 0 });
    expect(status.nextCheckAt).toBe(new Date(s.clock.now + 24 * HOUR).toISOString());

    // A price that changed, dated by the download.
    expect(s.catalog.find('openai', 'gpt-4o')).toMatchObject({ pricing: { input: 2.25, output: 9, cacheRead: 1.125, cacheWrite: null }, priceSource: 'catalog', pricesCheckedAt: TODAY });
    expect(findCatalogModel('openai', 'gpt-4o')?.pricing?.input).toBe(2.5);
    // New models join, in models.list too.
    expect(s.catalog.find('openai', 'gpt-fake-online')).toMatchObject({ name: 'GPT Fake Online', pricing: { input: 1, output: 4, cacheRead: 0.1 }, contextWindow: 200_000 });
    expect(s.catalog.list({ search: 'gpt fake online' }).map((m) => m.id)).toEqual(['gpt-fake-online']);
    // The api.json's legacy context_over_200k is a long-prompt tier.
    expect(s.catalog.find('gemini', 'gemini-fake-long')?.pricingTiers).toEqual([{ aboveInputTokens: 200_000, pricing: { input: 2, output: 12, cacheRead: null, cacheWrite: null } }]);
    // A price field models.dev does not document is kept in view, not applied.
    expect(s.catalog.find('anthropic', 'claude-sonnet-4-6')?.note).toMatch(/cache write 1h \$6/);
    // Unchanged models carry the same prices, now as of the download.
    expect(s.catalog.find('openai', 'gpt-4o-mini')).toMatchObject({ pricing: findCatalogModel('openai', 'gpt-4o-mini')!.pricing, pricesCheckedAt: TODAY });
    // Our own choices still apply to updated entries.
    expect(s.catalog.find('openai', 'gpt-5.5')?.recommended).toBe(true);
    // The api.json leaves out Together's non-standard `cached_input`: the bundled cache price stays while input and output agree.
    expect(s.catalog.find('together', 'Qwen/Qwen3.5-397B-A17B')).toMatchObject({ pricing: { input: 0.6, output: 3.6, cacheRead: 0.35 }, pricesCheckedAt: TODAY });
    expect(s.fetches()).toBe(1);
    expect(s.checked()).toBe(1);
  });

  it('a price the user set by hand wins over the download', async () => {
    const s = setup();
    s.catalog.setPrice({ provider: 'openai', model: 'gpt-4o', pricing: { input: 1, output: 2, cacheRead: null, cacheWrite: null } });
    await s.prices.update();
    expect(s.catalog.find('openai', 'gpt-4o')).toMatchObject({ priceSource: 'user', pricing: { input: 1, output: 2 } });
    s.catalog.setPrice({ provider: 'openai', model: 'gpt-4o', pricing: null });
    expect(s.catalog.find('openai', 'gpt-4o')).toMatchObject({ priceSource: 'catalog', pricing: { input: 2.25 } });
  });

  it('is off unless allowed: nothing is fetched, and models.updatePrices says how to turn it on', async () => {
    const s = setup({ enabled: false });
    await s.prices.check();
    expect(s.fetches()).toBe(0);
    expect(s.prices.status()).toMatchObject({ enabled: false, inUse: 'bundled', online: null, lastAttemptAt: null, nextCheckAt: null });
    await expect(s.prices.update()).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/turn them on/) });
    expect(s.fetches()).toBe(0);
  });

  it('fetches at most daily (a failed check is retried after an hour), and a check joins one running', async () => {
    const s = setup();
    await Promise.all([s.prices.check(), s.prices.check(), s.prices.update()]);
    expect(s.fetches()).toBe(1);
    s.clock.now += 23 * HOUR;
    await s.prices.check();
    expect(s.fetches()).toBe(1);
    s.clock.now += 2 * HOUR;
    await s.prices.check();
    expect(s.fetches()).toBe(2);

    const failing = setup({ fault: '500' });
    await failing.prices.check();
    await failing.prices.check();
    expect(failing.fetches()).toBe(3);
    failing.clock.now += 30 * 60 * 1000;
    await failing.prices.check();
    expect(failing.fetches()).toBe(3);
    failing.clock.now += 31 * 60 * 1000;
    await failing.prices.check();
    expect(failing.fetches()).toBe(4);
  });

  it.each([
    ['truncated', 'INVALID_JSON', /not valid JSON .*cut short/],
    ['not-catalog', 'NOT_CATALOG', /none of Switchboard’s providers/],
    ['partial', 'PARTIAL', /usable models where the bundled table has \d+: it looks incomplete/],
    ['500', 'HTTP_ERROR', /answered HTTP 500; the previous prices stay in use/],
  ])('a %s download keeps the previous prices and says why (%s)', async (fault, code, message) => {
    const good = setup();
    await good.prices.update();
    // The same data folder, now pointed at a broken source.
    const s = setup({ dir: good.dataDir, fault });
    expect(s.catalog.find('openai', 'gpt-4o')?.pricing?.input).toBe(2.25);
    s.clock.now += 25 * HOUR;
    const status = await s.prices.update();
    expect(status.error).toMatchObject({ code, message: expect.stringMatching(message) });
    // The renderer is told, so it shows why.
    expect(s.checked()).toBe(1);
    expect(status).toMatchObject({ inUse: 'models.dev', online: { fetchedAt: new Date(s.clock.now - 25 * HOUR).toISOString() } });
    expect(s.catalog.find('openai', 'gpt-4o')?.pricing?.input).toBe(2.25);
    expect(s.log()).toMatch(/price update failed; previous prices kept/);
    // The failure survives a restart, with the good download still in use.
    const again = setup({ dir: good.dataDir, fault });
    expect(again.prices.status()).toMatchObject({ inUse: 'models.dev', error: { code } });
  });

  it('a download with a few bad entries is used; those models keep their previous price, named in the status', async () => {
    const s = setup({ fault: 'bad-models' });
    const status = await s.prices.update();
    expect(status.error).toBeUndefined();
    expect(status.online?.skipped).toBe(2);
    expect(status.online?.skippedExamples.join('\n')).toMatch(/openai\/gpt-4\.1: cost\.input: .*expected number/);
    expect(status.online?.skippedExamples.join('\n')).toMatch(/openai\/gpt-4\.1-mini: input price 4e-7 looks like a price per token/);
    expect(s.catalog.find('openai', 'gpt-4.1')).toMatchObject({ pricing: findCatalogModel('openai', 'gpt-4.1')!.pricing, pricesCheckedAt: CATALOG_SOURCE.checkedAt });
    expect(s.catalog.find('openai', 'gpt-4.1-mini')?.pricing).toEqual(findCatalogModel('openai', 'gpt-4.1-mini')!.pricing);
    expect(s.catalog.find('openai', 'gpt-4o')?.pricing?.input).toBe(2.25);
  });

  it('an unreachable source or a bad address says so and changes nothing', async () => {
    const closed = setup({ url: 'http://127.0.0.1:1/api.json' });
    expect((await closed.prices.update()).error).toMatchObject({ code: 'NETWORK' });
    expect(closed.prices.status().inUse).toBe('bundled');
    const bad = setup({ url: 'file:///etc/passwd' });
    expect((await bad.prices.update()).error).toMatchObject({ code: 'BAD_URL' });
  });

  it('keeps the last good download (0600, atomic) so it is used after a restart, offline', async () => {
    const first = setup();
    await first.prices.update();
    const file = join(first.dataDir, 'models-dev-prices.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, fetchedAt: new Date(first.clock.now).toISOString() });
    const again = setup({ dir: first.dataDir, url: 'http://127.0.0.1:1/api.json' });
    expect(again.catalog.find('openai', 'gpt-fake-online')?.pricing?.input).toBe(1);
    expect(again.prices.status()).toMatchObject({ inUse: 'models.dev', online: { changed: 3 } });
    expect(again.fetches()).toBe(1);
  });

  it('turning updates off goes back to the bundled prices (the download is kept for later)', async () => {
    const s = setup();
    await s.prices.update();
    s.setEnabled(false);
    expect(s.catalog.find('openai', 'gpt-4o')?.pricing?.input).toBe(2.5);
    expect(s.catalog.find('openai', 'gpt-fake-online')).toBeNull();
    expect(s.prices.status()).toMatchObject({ enabled: false, inUse: 'bundled', online: { models: GENERATED_MODELS.length + 2 } });
    s.setEnabled(true);
    expect(s.catalog.find('openai', 'gpt-4o')?.pricing?.input).toBe(2.25);
    expect(s.fetches()).toBe(1);
  });

  it('a bundled table newer than the download wins (the app was updated since)', async () => {
    const s = setup();
    s.clock.now = Date.parse(CATALOG_SOURCE.commitDate) - 24 * HOUR;
    const status = await s.prices.update();
    expect(status).toMatchObject({ inUse: 'bundled', online: { models: GENERATED_MODELS.length + 2 } });
    expect(s.catalog.find('openai', 'gpt-4o')?.pricing?.input).toBe(2.5);
  });

  it('a download that cannot be kept is not used either, and says why', async () => {
    const s = setup();
    mkdirSync(join(s.dataDir, 'models-dev-prices.json'));
    const status = await s.prices.update();
    expect(status).toMatchObject({ inUse: 'bundled', error: { code: 'SAVE_FAILED', message: expect.stringMatching(/could not be saved/) } });
    rmSync(join(s.dataDir, 'models-dev-prices.json'), { recursive: true });
    s.clock.now += 2 * HOUR;
    expect((await s.prices.update()).inUse).toBe('models.dev');
  });

  it('an unreadable kept file is set aside and the bundled prices are used', () => {
    const t = tempDir('sb-prices-');
    cleanups.push(t.cleanup);
    writeFileSync(join(t.path, 'models-dev-prices.json'), '{"version": 1, "url": 5}');
    const s = setup({ dir: t.path });
    expect(s.prices.status()).toMatchObject({ inUse: 'bundled', online: null });
    expect(s.log()).toMatch(/damaged file: models-dev-prices\.json/);
  });
});
