import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../shared/contract/index.js';
import { defaultOutputAllowance } from '../../../electron/core/router/router.js';

const model = (over: Partial<ModelInfo>): ModelInfo => ({
  provider: 'openai',
  id: 'm',
  name: 'M',
  contextWindow: 128_000,
  maxOutputTokens: 128_000,
  pricing: null,
  capabilities: [],
  eu: false,
  recommended: false,
  priceSource: null,
  pricesCheckedAt: null,
  ...over,
});

describe('defaultOutputAllowance', () => {
  it('gives an ordinary model 8192 tokens, not its whole maximum', () => {
    expect(defaultOutputAllowance(model({}))).toBe(8192);
  });
  it('gives a reasoning model room to think', () => {
    expect(defaultOutputAllowance(model({ capabilities: ['reasoning'] }))).toBe(32768);
  });
  it('never exceeds what the model can write', () => {
    expect(defaultOutputAllowance(model({ maxOutputTokens: 2048 }))).toBe(2048);
    expect(defaultOutputAllowance(model({ maxOutputTokens: 16_384, capabilities: ['reasoning'] }))).toBe(16_384);
  });
  it('stays modest for a model the catalog does not know', () => {
    expect(defaultOutputAllowance(null)).toBe(4096);
  });
});
