import { describe, expect, it } from 'vitest';
import { isChatModel, listedModelInfo, openRouterPricing, perMillion, readOpenRouterPricing, toListedEntry, withListedPrice } from '../../../electron/core/catalog/provider-listing.js';
import { findCatalogModel } from '../../../shared/catalog/index.js';
import type { ListedModel } from '../../../electron/core/providers/list-models.js';

const listed = (id: string, extra: Partial<ListedModel> = {}): ListedModel => ({ id, name: null, contextWindow: null, maxOutputTokens: null, chat: null, raw: {}, ...extra });

describe('OpenRouter prices: decimal strings in USD per token → USD per million, exactly', () => {
  it.each([
    ['0.0000003', 0.3],
    ['0.00000099', 0.99],
    ['0.0000023', 2.3],
    ['0.0000012', 1.2],
    ['0.000000075', 0.075],
    ['0.00000125', 1.25],
    ['0.000015', 15],
    ['0.00006', 60],
    ['0.0000000375', 0.0375],
    ['3e-7', 0.3],
    ['1.5E-6', 1.5],
    ['.0000025', 2.5],
    ['0', 0],
    ['0.000000', 0],
    [' 0.0000001 ', 0.1],
  ])('%s per token is %s per million', (text, expected) => {
    expect(perMillion(text)).toBe(expected);
  });

  it('does better than multiplying floats (which drifts)', () => {
    expect(Number('0.00000099') * 1e6).not.toBe(0.99);
    expect(Number('0.0000023') / 1e-6).not.toBe(2.3);
    expect(Number('0.00000125') / 1e-6).not.toBe(1.25);
    expect(perMillion('0.00000099')).toBe(0.99);
    expect(perMillion('0.0000023')).toBe(2.3);
  });

  it.each([['-1'], [''], ['abc'], ['0x10'], ['1/2'], ['NaN'], ['Infinity'], ['1e999'], [null], [undefined], [{}], [true]])('%s is not a price (unknown)', (value) => {
    expect(perMillion(value)).toBeNull();
  });

  it('refuses values that cannot be a price per million tokens rather than store a wrong one', () => {
    // 1 USD per token would be a million dollars per million tokens; 1e-12 per token is below any real price.
    expect(perMillion('1')).toBeNull();
    expect(perMillion('0.000000000001')).toBeNull();
  });

  it('reads input, output, cache read and cache write; nothing known is null, never 0', () => {
    expect(openRouterPricing({ pricing: { prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001', input_cache_write: '0.00000125', request: '0' } })).toEqual({
      input: 1,
      output: 5,
      cacheRead: 0.1,
      cacheWrite: 1.25,
    });
    expect(openRouterPricing({ pricing: { prompt: '0.000001', completion: '0.000002' } })).toEqual({ input: 1, output: 2, cacheRead: null, cacheWrite: null });
    expect(openRouterPricing({ pricing: { prompt: '-1', completion: '-1' } })).toBeNull();
    expect(openRouterPricing({})).toBeNull();
    expect(openRouterPricing({ pricing: 'free' })).toBeNull();
    // A free model is published as "0": that is a price, not an unknown one.
    expect(openRouterPricing({ pricing: { prompt: '0', completion: '0' } })).toEqual({ input: 0, output: 0, cacheRead: null, cacheWrite: null });
  });
});

describe('OpenRouter price checks', () => {
  it('names the fields whose value cannot be a price per token; "-1" (varies) and absent fields are not among them', () => {
    expect(readOpenRouterPricing({ pricing: { prompt: '0.000001', completion: '2.5', input_cache_read: '-1' } })).toEqual({
      pricing: { input: 1, output: null, cacheRead: null, cacheWrite: null },
      rejected: ['completion'],
    });
    expect(readOpenRouterPricing({ pricing: { prompt: '3', completion: '15', input_cache_write: 'n/a' } }).rejected).toEqual(['prompt', 'completion', 'input_cache_write']);
    expect(readOpenRouterPricing({ pricing: { prompt: '0', completion: '0' } }).rejected).toEqual([]);
  });
});

describe('a catalog model with its provider’s listed price', () => {
  const listedAt = '2026-07-03T10:00:00.000Z';
  const entry = (pricing: { input: number | null; output: number | null }, limits: { contextWindow?: number | null; maxOutputTokens?: number | null } = {}) => ({
    id: 'google/gemini-3.1-pro-preview',
    name: 'Google: Gemini 3.1 Pro Preview',
    contextWindow: limits.contextWindow ?? null,
    maxOutputTokens: limits.maxOutputTokens ?? null,
    pricing: { ...pricing, cacheRead: null, cacheWrite: null },
    capabilities: [],
  });
  const base = findCatalogModel('openrouter', 'google/gemini-3.1-pro-preview')!;

  it('takes the provider’s price and limits, keeps the catalog’s name and flags, and keeps tiers only while the base price agrees', () => {
    const same = withListedPrice(base, entry({ input: base.pricing!.input, output: base.pricing!.output }, { contextWindow: 2_000_000 }), listedAt);
    expect(same).toMatchObject({ name: base.name, priceSource: 'provider', pricesCheckedAt: '2026-07-03', contextWindow: 2_000_000, maxOutputTokens: base.maxOutputTokens });
    expect(same.pricingTiers).toEqual(base.pricingTiers);
    expect(same.note).toMatch(/^Price listed by OpenRouter on 2026-07-03\./);
    const other = withListedPrice(base, entry({ input: 1.5, output: 9 }), listedAt);
    expect(other.pricing).toEqual({ input: 1.5, output: 9, cacheRead: null, cacheWrite: null });
    expect(other.pricingTiers).toBeUndefined();
    // An output limit above the context it would sit in is not taken.
    expect(withListedPrice({ ...base, contextWindow: 1000 }, entry({ input: 1, output: 2 }, { maxOutputTokens: 5000 }), listedAt).maxOutputTokens).toBe(base.maxOutputTokens);
  });

  it('a listing without both an input and an output price leaves the catalog entry as it is', () => {
    expect(withListedPrice(base, entry({ input: 1, output: null }), listedAt)).toBe(base);
    expect(withListedPrice(base, { ...entry({ input: 1, output: 1 }), pricing: null }, listedAt)).toBe(base);
  });
});

describe('provider-listed entries', () => {
  it('keeps chat models and drops embeddings, speech, images and moderation', () => {
    for (const id of ['gpt-4o', 'o4-mini', 'llama3.2:latest', 'mistral-large-2411', 'gpt-4o-audio-preview', 'deepseek-chat']) expect(isChatModel(listed(id))).toBe(true);
    for (const id of ['text-embedding-3-small', 'mistral-embed', 'whisper-1', 'tts-1-hd', 'dall-e-3', 'omni-moderation-latest', 'gpt-4o-transcribe', 'gpt-4o-realtime-preview', 'gpt-image-1', 'davinci-002', 'mistral-ocr-latest']) {
      expect(isChatModel(listed(id))).toBe(false);
    }
    expect(isChatModel(listed('gemini-embedding-001', { chat: false }))).toBe(false);
  });

  it('only OpenRouter entries carry prices; other providers list ids and limits (price unknown)', () => {
    const raw = { pricing: { prompt: '0.000001', completion: '0.000002' }, supported_parameters: ['tools', 'reasoning', 'response_format'], architecture: { input_modalities: ['text', 'image'] } };
    const or = toListedEntry('openrouter', listed('x/y', { name: 'X: Y', contextWindow: 1000, maxOutputTokens: 500, raw }));
    expect(or).toEqual({ id: 'x/y', name: 'X: Y', contextWindow: 1000, maxOutputTokens: 500, pricing: { input: 1, output: 2, cacheRead: null, cacheWrite: null }, capabilities: ['tools', 'vision', 'reasoning', 'json'] });
    const other = toListedEntry('openai-compatible', listed('qwen3', { raw }));
    expect(other?.pricing).toBeNull();
    expect(other?.capabilities).toEqual([]);
  });

  it('refuses ids the catalog cannot hold, and limits that contradict each other', () => {
    expect(toListedEntry('groq', listed(''))).toBeNull();
    expect(toListedEntry('groq', listed('a'.repeat(301)))).toBeNull();
    expect(toListedEntry('groq', listed('bad\nid'))).toBeNull();
    expect(toListedEntry('groq', listed('m', { contextWindow: 100, maxOutputTokens: 200 }))?.maxOutputTokens).toBeNull();
    expect(toListedEntry('groq', listed('m', { name: 'm' }))?.name).toBeNull();
  });

  it('shows as provider-listed: price unknown without a published price, with the day it was listed', () => {
    const unpriced = listedModelInfo('groq', { id: 'new-model', name: null, contextWindow: null, maxOutputTokens: null, pricing: null, capabilities: [] }, '2026-07-03T10:00:00.000Z');
    expect(unpriced).toMatchObject({ provider: 'groq', id: 'new-model', name: 'new-model', pricing: null, priceSource: 'provider', pricesCheckedAt: null, listedAt: '2026-07-03', recommended: false });
    expect(unpriced.note).toMatch(/Listed by Groq on 2026-07-03; price unknown/);
    const priced = listedModelInfo('openrouter', { id: 'a/b', name: 'A B', contextWindow: 10, maxOutputTokens: null, pricing: { input: 1, output: 2, cacheRead: null, cacheWrite: null }, capabilities: [] }, '2026-07-03T10:00:00.000Z');
    expect(priced).toMatchObject({ priceSource: 'provider', pricesCheckedAt: '2026-07-03', pricing: { input: 1, output: 2 } });
    // Mistral serves from the EU by default, as for its bundled models.
    expect(listedModelInfo('mistral', { id: 'm', name: null, contextWindow: null, maxOutputTokens: null, pricing: null, capabilities: [] }, '2026-07-03T00:00:00Z').eu).toBe(true);
  });
});
