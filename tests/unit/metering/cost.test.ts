import { describe, expect, it } from 'vitest';
import type { Pricing } from '../../../shared/contract/index.js';
import { findCatalogModel } from '../../../shared/catalog/index.js';
import type { Usage } from '../../../shared/contract/index.js';
import { checkPricePerMillion, PriceSnapshot, pricingForPrompt, promptTokensOf } from '../../../shared/pricing/index.js';
import { usage } from './fixtures.js';

// The four questions every caller asks the one pricing module (shared/pricing), at a bare price.
const costUsd = (u: Usage, p: Pricing | null) => new PriceSnapshot(p).costUsd(u);
const costNanoUsd = (u: Usage, p: Pricing | null) => new PriceSnapshot(p).settle(u).nano;
const worstCaseCostUsd = (prompt: number, out: number, p: Pricing | null) => new PriceSnapshot(p).estimate(prompt, out).maxUsd;
const worstCaseNanoUsd = (prompt: number, out: number, p: Pricing | null) => new PriceSnapshot(p).reserveNano(prompt, out);

// Hand-computed from each provider's usage rules (REFERENCE.md) and the normalised shape
// (DESIGN.md section 2): inputTokens exclude cache reads/writes, outputTokens include reasoning.

describe('cost per provider token rules', () => {
  it('OpenAI: cached tokens inside prompt_tokens, reasoning inside completion_tokens', () => {
    // prompt_tokens 1200 with cached_tokens 200; completion_tokens 300 with reasoning_tokens 40
    const u = usage({ inputTokens: 1200 - 200, cacheReadTokens: 200, outputTokens: 300, reasoningTokens: 40 });
    const p: Pricing = { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: null };
    // 1000 × 0.15 + 200 × 0.075 + 300 × 0.6 = 150 + 15 + 180 = 345 micro-USD
    expect(costUsd(u, p)).toBeCloseTo(0.000345, 12);
    expect(costNanoUsd(u, p)).toBe(345_000);
  });

  it('Anthropic: cache reads and writes beside input_tokens, each at its own price', () => {
    // input_tokens 1000, cache_read_input_tokens 5000, cache_creation_input_tokens 2000, output_tokens 500
    const u = usage({ inputTokens: 1000, cacheReadTokens: 5000, cacheWriteTokens: 2000, outputTokens: 500 });
    const p: Pricing = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    // 3000 + 1500 + 7500 + 7500 = 19 500 micro-USD
    expect(costUsd(u, p)).toBeCloseTo(0.0195, 12);
    expect(costNanoUsd(u, p)).toBe(19_500_000);
  });

  it('Gemini: thoughts billed at the output rate beside candidates, cached content inside the prompt count', () => {
    // promptTokenCount 10000 with cachedContentTokenCount 4000; candidates 800 + thoughts 1200
    const u = usage({ inputTokens: 6000, cacheReadTokens: 4000, outputTokens: 800 + 1200, reasoningTokens: 1200 });
    const p: Pricing = { input: 0.3, output: 2.5, cacheRead: 0.03, cacheWrite: null };
    // 1800 + 120 + 5000 = 6920 micro-USD
    expect(costUsd(u, p)).toBeCloseTo(0.00692, 12);
    expect(costNanoUsd(u, p)).toBe(6_920_000);
  });

  it('Gemini Pro: a prompt above 200k tokens is priced at the long-prompt tier', () => {
    const m = findCatalogModel('gemini', 'gemini-2.5-pro')!;
    expect(m.pricingTiers?.[0]?.aboveInputTokens).toBe(200_000);
    const long = usage({ inputTokens: 240_000, cacheReadTokens: 10_000, outputTokens: 1000 });
    const p = pricingForPrompt(m.pricing, m.pricingTiers, promptTokensOf(long));
    expect(p).toEqual(m.pricingTiers![0]!.pricing);
    const short = usage({ inputTokens: 190_000, cacheReadTokens: 10_000, outputTokens: 1000 });
    expect(pricingForPrompt(m.pricing, m.pricingTiers, promptTokensOf(short))).toEqual(m.pricing);
  });

  it('an unknown price is null, never 0', () => {
    expect(costUsd(usage({ inputTokens: 10, outputTokens: 5 }), null)).toBeNull();
    expect(costNanoUsd(usage({ inputTokens: 10, outputTokens: 5 }), null)).toBeNull();
    expect(worstCaseCostUsd(10, 10, null)).toBeNull();
    expect(worstCaseNanoUsd(10, 10, { input: 1, output: null, cacheRead: null, cacheWrite: null })).toBeNull();
  });

  it('a partial price is null only when tokens of the unpriced kind were used', () => {
    const p: Pricing = { input: 1, output: 2, cacheRead: null, cacheWrite: null };
    expect(costUsd(usage({ inputTokens: 10, cacheReadTokens: 5, outputTokens: 1 }), p)).toBeNull();
    expect(costUsd(usage({ inputTokens: 10, cacheWriteTokens: 5, outputTokens: 1 }), p)).toBeNull();
    expect(costUsd(usage({ inputTokens: 10, outputTokens: 1 }), p)).toBeCloseTo(12e-6, 15);
  });

  it('a free model (price 0 set by the user) costs exactly 0', () => {
    const free: Pricing = { input: 0, output: 0, cacheRead: null, cacheWrite: null };
    expect(costUsd(usage({ inputTokens: 1000, outputTokens: 1000 }), free)).toBe(0);
    expect(costNanoUsd(usage({ inputTokens: 1000, outputTokens: 1000 }), free)).toBe(0);
  });

  it('is linear in tokens', () => {
    const p: Pricing = { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: null };
    const one = costNanoUsd(usage({ inputTokens: 1000, cacheReadTokens: 200, outputTokens: 300 }), p)!;
    const two = costNanoUsd(usage({ inputTokens: 2000, cacheReadTokens: 400, outputTokens: 600 }), p)!;
    expect(two).toBe(2 * one);
  });

  it('nano-USD sums stay exact to the cent over a million calls', () => {
    // The cheapest catalog price (DeepSeek cache reads, $0.0028 per million) on odd token counts.
    const p: Pricing = { input: 0.14, output: 0.28, cacheRead: 0.0028, cacheWrite: null };
    let nano = 0;
    let exactMicroTimes1e4 = 0n;
    for (let i = 0; i < 1_000_000; i++) {
      const u = usage({ inputTokens: 1 + (i % 7), cacheReadTokens: 3 + (i % 11), outputTokens: i % 5 });
      nano += costNanoUsd(u, p)!;
      // Exact: prices × 1e4 are integers.
      exactMicroTimes1e4 += BigInt(u.inputTokens * 1400 + u.cacheReadTokens * 28 + u.outputTokens * 2800);
    }
    const exactUsd = Number(exactMicroTimes1e4) / 1e10;
    expect(Math.abs(nano / 1e9 - exactUsd)).toBeLessThan(0.005);
  });

  it('worst case reserves every prompt token at the input price plus every allowed output token', () => {
    const p: Pricing = { input: 2, output: 8, cacheRead: 0.5, cacheWrite: null };
    expect(worstCaseNanoUsd(1000, 500, p)).toBe((1000 * 2 + 500 * 8) * 1000);
    expect(worstCaseCostUsd(1000, 500, p)).toBeCloseTo(0.006, 12);
  });
});

describe('price sanity', () => {
  it('refuses a price typed per token and says what it probably meant', () => {
    expect(checkPricePerMillion(0.0000025)).toMatch(/per token.*2\.5/);
    expect(checkPricePerMillion(0.000075)).toMatch(/did you mean 75/);
  });
  it('accepts real per-million prices, 0 for free models, and refuses absurd ones', () => {
    for (const p of [0, 0.0028, 0.075, 2.5, 75, 600]) expect(checkPricePerMillion(p)).toBeNull();
    expect(checkPricePerMillion(-1)).not.toBeNull();
    expect(checkPricePerMillion(2_500_000)).toMatch(/per million/);
  });
});
