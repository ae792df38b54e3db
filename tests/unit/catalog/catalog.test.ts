import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../../shared/contract/index.js';
import { CATALOG, CATALOG_SOURCE, filterModels, findCatalogModel } from '../../../shared/catalog/index.js';
import { CURATED_MODELS, CURATED_PROVIDERS } from '../../../shared/catalog/curated.js';
import { GENERATED_MODELS } from '../../../shared/catalog/models.generated.js';
import { checkPricePerMillion } from '../../../shared/cost.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';

const key = (m: { provider: string; id: string }) => `${m.provider}/${m.id}`;

describe('bundled catalog', () => {
  it('covers every chat model models.dev lists for every provider except openai-compatible', () => {
    const count = (p: string) => CATALOG.filter((m) => m.provider === p).length;
    for (const p of PROVIDER_IDS) {
      if (p === 'openai-compatible') expect(count(p)).toBe(0);
      else expect(count(p), p).toBeGreaterThan(0);
    }
    expect(CATALOG.length).toBeGreaterThanOrEqual(500);
    expect(count('openrouter')).toBeGreaterThanOrEqual(300);
    // The models the issue found missing are there, priced.
    for (const [provider, id] of [
      ['anthropic', 'claude-opus-4-5'],
      ['anthropic', 'claude-opus-4-6'],
      ['anthropic', 'claude-opus-4-7'],
      ['gemini', 'gemini-3-flash-preview'],
      ['mistral', 'codestral-latest'],
      ['xai', 'grok-4.3'],
      ['openrouter', 'x-ai/grok-4.3'],
    ] as const) {
      const m = findCatalogModel(provider, id);
      expect(m?.pricing?.input, `${provider}/${id}`).toBeGreaterThan(0);
      expect(m?.pricing?.output, `${provider}/${id}`).toBeGreaterThan(0);
    }
  });

  it('records where its prices came from: models.dev repository, commit and date', () => {
    expect(CATALOG_SOURCE.repository).toBe('anomalyco/models.dev');
    expect(CATALOG_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(CATALOG_SOURCE.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(CATALOG_SOURCE.commitDate.startsWith(CATALOG_SOURCE.checkedAt)).toBe(true);
    for (const m of CATALOG) if (m.pricing) expect(m.pricesCheckedAt).toBe(CATALOG_SOURCE.checkedAt);
    // What was left out is named, not dropped silently.
    expect(CATALOG_SOURCE.notChat).toEqual(expect.arrayContaining(['openai/text-embedding-3-small', 'groq/whisper-large-v3']));
    for (const id of CATALOG_SOURCE.notChat ?? []) expect(CATALOG.some((m) => key(m) === id), id).toBe(false);
  });

  it('is the generated table, once each; the curated list only chooses (every curated model is in it, first in its provider)', () => {
    expect(CATALOG.map(key).sort()).toEqual(GENERATED_MODELS.map(key).sort());
    expect(new Set(CATALOG.map(key)).size).toBe(CATALOG.length);
    for (const c of CURATED_MODELS) {
      const m = findCatalogModel(c.provider, c.id);
      expect(m, key(c)).not.toBeNull();
      expect(m!.recommended).toBe(c.recommended ?? false);
      if (c.name) expect(m!.name).toBe(c.name);
    }
    for (const provider of Object.keys(CURATED_PROVIDERS)) {
      const curated = CURATED_MODELS.filter((c) => c.provider === provider).map((c) => c.id);
      const shown = CATALOG.filter((m) => m.provider === provider).map((m) => m.id);
      expect(shown.slice(0, curated.length), provider).toEqual(curated);
    }
    // Deprecated models come after the ones in use.
    const anthropic = CATALOG.filter((m) => m.provider === 'anthropic');
    const firstDeprecated = anthropic.findIndex((m) => m.status === 'deprecated');
    if (firstDeprecated >= 0) expect(anthropic.slice(firstDeprecated).every((m) => m.status === 'deprecated' || CURATED_MODELS.some((c) => c.provider === 'anthropic' && c.id === m.id))).toBe(true);
  });

  it('every provider’s default model is in the catalog and priced (the key test and the system default use it)', () => {
    for (const p of PROVIDER_IDS) {
      if (p === 'openai-compatible') continue;
      const m = findCatalogModel(p, PROVIDERS[p].defaultModel);
      expect(m, `${p}: ${PROVIDERS[p].defaultModel}`).not.toBeNull();
      expect(m!.pricing?.input, p).not.toBeNull();
      expect(m!.pricing?.output, p).not.toBeNull();
    }
  });

  it('has plausible per-million prices where known; an unknown price is null, never 0', () => {
    for (const m of CATALOG) {
      const where = key(m);
      if (m.pricing) for (const v of Object.values(m.pricing)) if (v !== null) expect(checkPricePerMillion(v), where).toBeNull();
      for (const t of m.pricingTiers ?? []) for (const v of Object.values(t.pricing)) if (v !== null) expect(checkPricePerMillion(v), where).toBeNull();
      expect(m.maxOutputTokens ?? 1).toBeGreaterThan(0);
      expect(m.name).not.toMatch(/\(latest\)/);
      expect(m.priceSource).toBe(m.pricing ? 'catalog' : null);
    }
    // A model models.dev gives no price stays unknown.
    expect(findCatalogModel('openrouter', 'openrouter/auto')?.pricing).toBeNull();
    // A free model is free (0), which is a price.
    const free = CATALOG.filter((m) => m.provider === 'openrouter' && m.id.endsWith(':free'));
    expect(free.length).toBeGreaterThan(0);
    for (const m of free) expect(m.pricing).toMatchObject({ input: 0, output: 0 });
    expect(CATALOG.filter((m) => m.recommended).length).toBeGreaterThanOrEqual(10);
    expect(CATALOG.filter((m) => m.eu).map((m) => m.provider)).toEqual(expect.arrayContaining(['mistral', 'azure']));
    expect(CATALOG.find((m) => m.provider === 'azure')!.note).toMatch(/EU region/);
  });

  it('keeps what it does not bill by in plain sight: non-standard spellings read, other prices in the note', () => {
    // models.dev spells Together's cached input price "cached_input" for this model.
    expect(findCatalogModel('together', 'Qwen/Qwen3.5-397B-A17B')?.pricing?.cacheRead).toBe(0.35);
    expect(findCatalogModel('openrouter', 'perplexity/sonar-deep-research')?.note).toMatch(/reasoning \$3/);
    expect(findCatalogModel('anthropic', 'claude-opus-4-7')?.note).toMatch(/fast mode input \$30/);
  });

  it('has an OpenAI model with input, output and cache-read prices (what the metering check prices against)', () => {
    const priced = CATALOG.filter((m) => m.provider === 'openai' && (m.pricing?.input ?? 0) > 0 && (m.pricing?.output ?? 0) > 0 && (m.pricing?.cacheRead ?? 0) > 0);
    expect(priced.length).toBeGreaterThan(0);
  });

  it('finds models by exact id or dated alias; anything else is unknown (null), never guessed', () => {
    expect(findCatalogModel('openai', 'gpt-4o-mini')?.pricing).toEqual({ input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: null });
    expect(findCatalogModel('openai', 'gpt-4o-mini-2024-07-18')?.id).toBe('gpt-4o-mini');
    // A dated id models.dev lists on its own is that model, not an alias.
    expect(findCatalogModel('anthropic', 'claude-haiku-4-5-20251001')?.id).toBe('claude-haiku-4-5-20251001');
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
