import { describe, expect, it } from 'vitest';
import { ModelsListRequest, ModelsSetPriceRequest, type ModelInfo } from '../../../shared/contract/index.js';
import {
  EMPTY_FILTERS,
  formatTokenLimit,
  isFiltered,
  parsePrice,
  priceFieldOf,
  priceFormFor,
  toListRequest,
  toSetPrice,
} from '../../../renderer/src/features/catalog/catalog-filters.js';
import { parseRoute, paths, routePath } from '../../../renderer/src/router/routes.js';

describe('catalog filters', () => {
  it('no filter is an empty models.list request', () => {
    expect(toListRequest(EMPTY_FILTERS)).toEqual({});
    expect(isFiltered(EMPTY_FILTERS)).toBe(false);
  });

  it('maps every filter to the contract’s request', () => {
    const req = toListRequest({ provider: 'anthropic', capability: 'vision', euOnly: true, maxInputPrice: '2.5', search: '  sonnet ', recommendedOnly: true });
    expect(req).toEqual({ provider: 'anthropic', capability: 'vision', eu: true, maxInputPrice: 2.5, search: 'sonnet', recommendedOnly: true });
    expect(ModelsListRequest.safeParse(req).success).toBe(true);
  });

  it('leaves out a price cap that is not a number (the form flags it)', () => {
    expect(toListRequest({ ...EMPTY_FILTERS, maxInputPrice: 'cheap' })).toEqual({});
    expect(parsePrice('cheap').error).toMatch(/USD per million tokens/);
    expect(parsePrice('-1').error).toMatch(/0 or more/);
    expect(parsePrice('')).toEqual({ value: null, error: null });
  });

  it('formats context sizes compactly', () => {
    expect(formatTokenLimit(128000)).toBe('128K');
    expect(formatTokenLimit(1047576)).toBe('1.05M');
    expect(formatTokenLimit(null)).toBe('—');
  });
});

describe('custom prices', () => {
  const form = { ...priceFormFor(null), model: 'llama3.1:8b', input: '0', output: '0' };

  it('starts on an OpenAI-compatible model', () => {
    expect(priceFormFor(null).provider).toBe('openai-compatible');
  });

  it('builds a models.setPrice request with per-million prices and optional limits', () => {
    const { request, errors } = toSetPrice({ ...form, input: '2.5', output: '10', cacheRead: '0.25', contextWindow: '128,000' });
    expect(errors).toEqual({});
    expect(request).toEqual({
      provider: 'openai-compatible',
      model: 'llama3.1:8b',
      pricing: { input: 2.5, output: 10, cacheRead: 0.25, cacheWrite: null },
      contextWindow: 128000,
    });
    expect(ModelsSetPriceRequest.safeParse(request).success).toBe(true);
  });

  it('passes a per-token price through, so the core’s message explains it', () => {
    const { request } = toSetPrice({ ...form, input: '0.0000025' });
    expect(request?.pricing.input).toBe(0.0000025);
    expect(priceFieldOf('pricing.input')).toBe('input');
    expect(priceFieldOf('pricing.cacheWrite')).toBe('cacheWrite');
    expect(priceFieldOf('something.else')).toBeNull();
  });

  it('names the fields that are not numbers or whole token counts', () => {
    const { request, errors } = toSetPrice({ ...form, model: ' ', output: 'abc', maxOutputTokens: '1.5' });
    expect(request).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['maxOutputTokens', 'model', 'output']);
  });

  it('prefills the form from a model with a price', () => {
    const model: ModelInfo = {
      provider: 'openai-compatible',
      id: 'qwen',
      name: 'qwen',
      contextWindow: 32768,
      maxOutputTokens: null,
      pricing: { input: 0.1, output: 0.2, cacheRead: null, cacheWrite: null },
      capabilities: [],
      eu: false,
      recommended: false,
      priceSource: 'user',
      pricesCheckedAt: '2026-11-23',
    };
    expect(priceFormFor(model)).toMatchObject({ provider: 'openai-compatible', model: 'qwen', input: '0.1', output: '0.2', cacheRead: '', contextWindow: '32768', maxOutputTokens: '' });
  });
});

describe('the Models route', () => {
  it('is a top-level page', () => {
    expect(parseRoute('/models')).toEqual({ name: 'models' });
    expect(parseRoute('/models/x')).toEqual({ name: 'not-found', path: '/models/x' });
    expect(routePath({ name: 'models' })).toBe('/models');
    expect(paths.models()).toBe('/models');
  });
});
