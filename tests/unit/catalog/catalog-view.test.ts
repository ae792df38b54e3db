import { describe, expect, it } from 'vitest';
import { catalogView, PAGE_SIZE } from '../../../renderer/src/features/catalog/catalog-view.js';
import { describePriceSource } from '../../../renderer/src/features/catalog/price-source.js';
import type { ModelInfo, PriceUpdateStatus } from '../../../shared/contract/index.js';

const model = (id: string, extra: Partial<ModelInfo> = {}): ModelInfo => ({
  provider: 'openrouter',
  id,
  name: id,
  contextWindow: null,
  maxOutputTokens: null,
  pricing: null,
  capabilities: [],
  eu: false,
  recommended: false,
  priceSource: null,
  pricesCheckedAt: null,
  ...extra,
});
const priced = (input: number, output: number) => ({ pricing: { input, output, cacheRead: null, cacheWrite: null } });

describe('what the Models page shows of hundreds of models', () => {
  it('pages of 50, clamped to the last page, with the positions shown', () => {
    const models = Array.from({ length: 123 }, (_, i) => model(`m${i}`));
    const first = catalogView(models, { includeDeprecated: false, sort: 'catalog', page: 0 });
    expect(first).toMatchObject({ total: 123, page: 0, pageCount: 3, from: 1, to: PAGE_SIZE });
    expect(first.rows.map((m) => m.id)).toEqual(models.slice(0, 50).map((m) => m.id));
    expect(catalogView(models, { includeDeprecated: false, sort: 'catalog', page: 2 })).toMatchObject({ from: 101, to: 123 });
    expect(catalogView(models, { includeDeprecated: false, sort: 'catalog', page: 9 })).toMatchObject({ page: 2, from: 101 });
    expect(catalogView([], { includeDeprecated: false, sort: 'catalog', page: 3 })).toMatchObject({ rows: [], total: 0, page: 0, pageCount: 1, from: 0, to: 0 });
  });

  it('hides deprecated models unless asked, and says how many', () => {
    const models = [model('a'), model('old', { status: 'deprecated' }), model('beta', { status: 'beta' })];
    expect(catalogView(models, { includeDeprecated: false, sort: 'catalog', page: 0 })).toMatchObject({ total: 2, deprecatedHidden: 1 });
    expect(catalogView(models, { includeDeprecated: true, sort: 'catalog', page: 0 })).toMatchObject({ total: 3, deprecatedHidden: 0 });
  });

  it('sorts by price (unknown last, whatever the direction), context, name; otherwise the user’s then recommended first, keeping the catalog’s order', () => {
    const models = [model('b', priced(3, 1)), model('unknown'), model('free', priced(0, 0)), model('rec', { recommended: true, ...priced(5, 5), contextWindow: 1000 }), model('big', { ...priced(1, 9), contextWindow: 2_000_000 })];
    const ids = (sort: Parameters<typeof catalogView>[1]['sort']) => catalogView(models, { includeDeprecated: true, sort, page: 0 }).rows.map((m) => m.id);
    expect(ids('catalog')).toEqual(['rec', 'b', 'unknown', 'free', 'big']);
    const mine = model('mine', { priceSource: 'user', ...priced(1, 1) });
    expect(catalogView([...models, mine], { includeDeprecated: true, sort: 'catalog', page: 0 }).rows.map((m) => m.id)).toEqual(['mine', 'rec', 'b', 'unknown', 'free', 'big']);
    expect(ids('input')).toEqual(['free', 'big', 'b', 'rec', 'unknown']);
    expect(ids('output')).toEqual(['free', 'b', 'rec', 'big', 'unknown']);
    expect(ids('context')).toEqual(['big', 'rec', 'b', 'unknown', 'free']);
    expect(ids('name')).toEqual(['b', 'big', 'free', 'rec', 'unknown']);
  });
});

const status = (extra: Partial<PriceUpdateStatus> = {}): PriceUpdateStatus => ({
  enabled: false,
  inUse: 'bundled',
  bundled: { repository: 'anomalyco/models.dev', commit: 'f3fc692299671838c7c65fd8126bf84d81a2e817', commitDate: '2026-07-02T00:40:28+08:00', checkedAt: '2026-07-02' },
  online: null,
  url: 'https://models.dev/api.json',
  lastAttemptAt: null,
  nextCheckAt: null,
  ...extra,
});
const online = { url: 'https://models.dev/api.json', fetchedAt: '2026-12-07T09:00:00.000Z', models: 605, changed: 3, skipped: 0, skippedExamples: [] };

describe('where the Models page says prices come from', () => {
  it('the bundled snapshot, with its date and commit', () => {
    expect(describePriceSource(status(), 'UTC')).toEqual({ headline: 'Bundled models.dev snapshot of 2026-07-02 (commit f3fc692).', details: [] });
    expect(describePriceSource(status({ enabled: true }), 'UTC').details).toEqual(['Checking models.dev for newer prices…']);
  });

  it('an online update: when, how much changed, the fallback, the next check', () => {
    const s = describePriceSource(status({ enabled: true, inUse: 'models.dev', online: { ...online, skipped: 2 }, lastAttemptAt: online.fetchedAt, nextCheckAt: '2026-12-08T09:00:00.000Z' }), 'UTC');
    expect(s.headline).toBe('models.dev prices, updated online 2026-12-07 09:00.');
    expect(s.details).toEqual([
      '3 models new or changed since the bundled models.dev snapshot of 2026-07-02 (commit f3fc692), which stays as the fallback.',
      '2 entries of the download could not be used and keep their previous price.',
      'Next check after 2026-12-08 09:00.',
    ]);
    expect(s.problem).toBeUndefined();
  });

  it('a failed check says when and why, and which prices stay', () => {
    const s = describePriceSource(
      status({ enabled: true, inUse: 'models.dev', online, lastAttemptAt: '2026-12-08T10:00:00.000Z', nextCheckAt: '2026-12-08T11:00:00.000Z', error: { code: 'INVALID_JSON', message: 'The answer is not valid JSON; the previous prices stay in use.' } }),
      'UTC',
    );
    expect(s.headline).toBe('models.dev prices, updated online 2026-12-07 09:00.');
    expect(s.problem).toBe('The check at 2026-12-08 10:00 failed: The answer is not valid JSON; the previous prices stay in use.');
  });

  it('a download older than the bundled snapshot is not used, and says so', () => {
    const s = describePriceSource(status({ enabled: true, online: { ...online, fetchedAt: '2026-06-01T00:00:00.000Z' }, lastAttemptAt: '2026-06-01T00:00:00.000Z' }), 'UTC');
    expect(s.headline).toMatch(/^Bundled models.dev snapshot/);
    expect(s.details[0]).toBe('The last download (2026-06-01 00:00) is older than this snapshot, so the snapshot is used.');
  });
});
