import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { CatalogService } from '../../../electron/core/catalog/catalog-service.js';
import { tempDir } from '../../helpers/temp-dir.js';

// find() runs on every turn (router and admission): answers are cached and shared, so they are frozen.

const dirs: Array<() => void> = [];
afterEach(() => {
  while (dirs.length) dirs.pop()!();
});
function service(): CatalogService {
  const t = tempDir();
  dirs.push(t.cleanup);
  return new CatalogService({ dataDir: t.path, logger: silentLogger, now: () => Date.UTC(2026, 5, 1) });
}

describe('catalog find', () => {
  it('answers are read-only: a caller cannot change what the next caller (or models.list) sees', () => {
    const svc = service();
    const info = svc.find('openai', 'gpt-5.5')!;
    const listed = () => svc.list().find((m) => m.provider === 'openai' && m.id === 'gpt-5.5')!;
    const before = structuredClone(listed());
    expect(() => {
      (info.pricing as { input: number | null }).input = 0;
    }).toThrow(TypeError);
    expect(() => (info.capabilities as string[]).push('x')).toThrow(TypeError);
    expect(() => {
      (info.pricingTiers![0]!.pricing as { input: number | null }).input = 0;
    }).toThrow(TypeError);
    expect(svc.find('openai', 'gpt-5.5')).toEqual(before);
    expect(listed()).toEqual(before);
  });

  it('a price set (or removed) by the user is seen by the next find, also for a model found before', () => {
    const svc = service();
    const bundled = svc.find('openai', 'gpt-4o-mini')!;
    expect(bundled.priceSource).toBe('catalog');
    expect(svc.find('openai-compatible', 'llama3.2')).toBeNull();
    // setPrice answers with the new entry, not the one cached before.
    expect(svc.setPrice({ provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 1, output: 2, cacheRead: null, cacheWrite: null } })).toMatchObject({ priceSource: 'user', pricing: { input: 1 } });
    expect(svc.setPrice({ provider: 'openai-compatible', model: 'llama3.2', pricing: { input: 0, output: 0, cacheRead: null, cacheWrite: null } })).toMatchObject({ priceSource: 'user' });
    expect(svc.find('openai', 'gpt-4o-mini')).toMatchObject({ priceSource: 'user', pricing: { input: 1, output: 2 } });
    expect(svc.find('openai-compatible', 'llama3.2')).toMatchObject({ priceSource: 'user', pricing: { input: 0, output: 0 } });
    expect(svc.setPrice({ provider: 'openai', model: 'gpt-4o-mini', pricing: null })).toEqual(bundled);
    expect(svc.find('openai', 'gpt-4o-mini')).toEqual(bundled);
  });
});
