import { describe, expect, it } from 'vitest';
import type { Pricing, Usage } from '../../../shared/contract/index.js';
import { findCatalogModel } from '../../../shared/catalog/index.js';
import { PriceSnapshot } from '../../../shared/pricing/index.js';

const usage = (u: Partial<Usage>): Usage => ({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: false, ...u });
const sonnet: Pricing = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

describe('PriceSnapshot: one place that prices a call', () => {
  it('Anthropic: 1-hour cache writes at 2× input, 5-minute writes at the catalog cache-write price', () => {
    const p = PriceSnapshot.of({ provider: 'anthropic', id: 'claude-sonnet-4-6', pricing: sonnet });
    expect(p.base?.cacheWrite1h).toBe(6);
    // 1,000 input, 4,000 cache writes of which 1,500 for an hour, 300 output:
    // 1000 × 3 + 2500 × 3.75 + 1500 × 6 + 300 × 15 = 3000 + 9375 + 9000 + 4500 = 25,875 micro-USD
    const u = usage({ inputTokens: 1000, cacheWriteTokens: 4000, cacheWrite1hTokens: 1500, outputTokens: 300 });
    expect(p.settle(u)).toMatchObject({ nano: 25_875_000, source: 'price', priceNano: 25_875_000, mismatch: false });
    expect(p.costUsd(u)).toBeCloseTo(0.025875, 12);
    // Without the split every write is a 5-minute one, as before.
    expect(p.settle(usage({ cacheWriteTokens: 4000 })).nano).toBe(15_000_000);
  });

  it('Claude served elsewhere (OpenRouter anthropic/…) gets the same 1-hour rule; other models price 1-hour writes as any write', () => {
    expect(PriceSnapshot.of({ provider: 'openrouter', id: 'anthropic/claude-sonnet-5', pricing: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 } }).base?.cacheWrite1h).toBe(4);
    const other = PriceSnapshot.of({ provider: 'openrouter', id: 'google/gemini-3.5-flash', pricing: { input: 1.5, output: 9, cacheRead: 0.15, cacheWrite: 0.083333 } });
    expect(other.base).not.toHaveProperty('cacheWrite1h');
    expect(other.settle(usage({ cacheWriteTokens: 1000, cacheWrite1hTokens: 1000 })).nano).toBe(83_333);
    // An explicit 1-hour price wins over the rule.
    expect(PriceSnapshot.of({ provider: 'anthropic', id: 'claude-x', pricing: { ...sonnet, cacheWrite1h: 7 } }).base?.cacheWrite1h).toBe(7);
  });

  it('reserve, settle and estimate use the long-prompt tier the prompt falls in', () => {
    const m = findCatalogModel('openai', 'gpt-5.4')!;
    const p = PriceSnapshot.of(m);
    const tier = m.pricingTiers![0]!;
    expect(p.reserveNano(300_000, 1000)).toBe(Math.round((300_000 * tier.pricing.input! + 1000 * tier.pricing.output!) * 1000));
    expect(p.reserveNano(100_000, 1000)).toBe(Math.round((100_000 * m.pricing!.input! + 1000 * m.pricing!.output!) * 1000));
    expect(p.settle(usage({ inputTokens: 280_000, cacheReadTokens: 10_000, outputTokens: 10 })).pricing).toEqual(tier.pricing);
    const range = p.estimate(300_000, 1000);
    expect(range.minUsd).toBeCloseTo((300_000 * tier.pricing.input!) / 1e6, 12);
    expect(range.maxUsd).toBeCloseTo(p.reserveNano(300_000, 1000)! / 1e9, 12);
  });

  it('a reported cost is the cost; price × tokens is the cross-check; over 1 % apart is a mismatch', () => {
    const p = new PriceSnapshot({ input: 1, output: 2, cacheRead: null, cacheWrite: null });
    const u = usage({ inputTokens: 1000, outputTokens: 500 }); // 2,000 micro-USD by price
    expect(p.settle(u, 0.002)).toMatchObject({ nano: 2_000_000, source: 'provider-reported', priceNano: 2_000_000, mismatch: false });
    expect(p.settle(u, 0.00201).mismatch).toBe(false); // 0.5 %
    expect(p.settle(u, 0.00203).mismatch).toBe(true); // 1.5 %
    expect(p.settle(u, 0.00197)).toMatchObject({ nano: 1_970_000, mismatch: true });
    // Nonsense is no report: priced instead.
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, null, undefined]) expect(p.settle(u, bad as number | null)).toMatchObject({ source: 'price', nano: 2_000_000 });
    // Unknown price: the reported cost still stands, with no cross-check to flag.
    expect(new PriceSnapshot(null).settle(u, 0.004)).toMatchObject({ nano: 4_000_000, source: 'provider-reported', priceNano: null, mismatch: false });
    expect(new PriceSnapshot(null).settle(u)).toMatchObject({ nano: null, source: null });
  });

  it('reserves every prompt token at the input price plus every allowed output token; null without input or output prices', () => {
    const p = new PriceSnapshot(sonnet);
    expect(p.reserveNano(2000, 500)).toBe((2000 * 3 + 500 * 15) * 1000);
    expect(new PriceSnapshot({ input: 1, output: null, cacheRead: null, cacheWrite: null }).reserveNano(1, 1)).toBeNull();
    expect(PriceSnapshot.of(null).reserveNano(1, 1)).toBeNull();
  });
});
