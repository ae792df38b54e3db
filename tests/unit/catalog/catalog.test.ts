import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../../shared/contract/index.js';
import { CATALOG, CATALOG_SOURCE, filterModels, findCatalogModel } from '../../../shared/catalog/index.js';
import { CURATED_MODELS } from '../../../shared/catalog/curated.js';
import { GENERATED_MODELS } from '../../../shared/catalog/models.generated.js';
import { checkPricePerMillion } from '../../../shared/cost.js';

describe('bundled catalog', () => {
  it('has at least 40 models covering every provider except openai-compatible', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(40);
    const providers = new Set(CATALOG.map((m) => m.provider));
    for (const p of PROVIDER_IDS) {
      if (p === 'openai-compatible') expect(providers.has(p)).toBe(false);
      else expect(providers.has(p), p).toBe(true);
    }
  });

  it('records where its prices came from: models.dev repository, commit and date', () => {
    expect(CATALOG_SOURCE.repository).toBe('anomalyco/models.dev');
    expect(CATALOG_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(CATALOG_SOURCE.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const m of CATALOG) if (m.pricing) expect(m.pricesCheckedAt).toBe(CATALOG_SOURCE.checkedAt);
  });

  it('is exactly the curated list, generated (no model added or dropped by hand)', () => {
    expect(GENERATED_MODELS.map((m) => `${m.provider}/${m.id}`)).toEqual(CURATED_MODELS.map((c) => `${c.provider}/${c.id}`));
    expect(new Set(CATALOG.map((m) => `${m.provider}/${m.id}`)).size).toBe(CATALOG.length);
  });

  it('has plausible per-million prices, limits and capabilities', () => {
    for (const m of CATALOG) {
      expect(m.pricing, `${m.provider}/${m.id}`).not.toBeNull();
      for (const v of Object.values(m.pricing!)) if (v !== null) expect(checkPricePerMillion(v), `${m.provider}/${m.id}`).toBeNull();
      expect(m.pricing!.input).not.toBeNull();
      expect(m.pricing!.output).not.toBeNull();
      expect(m.maxOutputTokens ?? 1).toBeGreaterThan(0);
      expect(m.name).not.toMatch(/\(latest\)/);
    }
    expect(CATALOG.filter((m) => m.recommended).length).toBeGreaterThanOrEqual(10);
    expect(CATALOG.filter((m) => m.eu).map((m) => m.provider)).toEqual(expect.arrayContaining(['mistral', 'azure']));
    expect(CATALOG.find((m) => m.provider === 'azure')!.note).toMatch(/EU region/);
  });

  it('has an OpenAI model with input, output and cache-read prices (what the metering check prices against)', () => {
    const priced = CATALOG.filter((m) => m.provider === 'openai' && (m.pricing?.input ?? 0) > 0 && (m.pricing?.output ?? 0) > 0 && (m.pricing?.cacheRead ?? 0) > 0);
    expect(priced.length).toBeGreaterThan(0);
  });

  it('finds models by exact id or dated alias; anything else is unknown (null), never guessed', () => {
    expect(findCatalogModel('openai', 'gpt-4o-mini')?.pricing).toEqual({ input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: null });
    expect(findCatalogModel('anthropic', 'claude-haiku-4-5-20251001')?.id).toBe('claude-haiku-4-5');
    expect(findCatalogModel('openai', 'gpt-4o-mini-2099-01-01')).toBeNull();
    expect(findCatalogModel('openai', 'GPT-4O-MINI')).toBeNull();
    expect(findCatalogModel('anthropic', 'gpt-4o-mini')).toBeNull();
  });

  it('filters by provider, capability, EU, max input price, text and recommended', () => {
    expect(filterModels(CATALOG, { provider: 'gemini' }).every((m) => m.provider === 'gemini')).toBe(true);
    expect(filterModels(CATALOG, { capability: 'vision' }).every((m) => m.capabilities.includes('vision'))).toBe(true);
    expect(filterModels(CATALOG, { eu: true }).every((m) => m.eu)).toBe(true);
    const cheap = filterModels(CATALOG, { maxInputPrice: 0.2 });
    expect(cheap.length).toBeGreaterThan(0);
    expect(cheap.every((m) => m.pricing!.input! <= 0.2)).toBe(true);
    expect(filterModels(CATALOG, { search: 'Claude sonnet' }).every((m) => /sonnet/i.test(m.name))).toBe(true);
    expect(filterModels(CATALOG, { search: 'sonnet claude' }).length).toBeGreaterThan(0);
    expect(filterModels(CATALOG, { recommendedOnly: true }).every((m) => m.recommended)).toBe(true);
    expect(filterModels(CATALOG, { provider: 'openai', capability: 'reasoning', maxInputPrice: 1 }).map((m) => m.id)).toContain('gpt-5-mini');
  });
});
