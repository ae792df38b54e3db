import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { ChatRouter } from '../../../electron/core/router/router.js';
import { FakeAdmission, fakeKey, FakeKeys, FakeModels, ScriptedAdapters } from './fakes.js';

// chat.estimate must price a turn the way admission reserves it, long-prompt tiers included.

function routerWith(models: FakeModels): ChatRouter {
  return new ChatRouter({
    keys: new FakeKeys().add(fakeKey('oa1', 'openai')),
    admission: new FakeAdmission(),
    models,
    settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
    emit: () => {},
    logger: silentLogger,
    adapters: new ScriptedAdapters().factory,
  });
}

describe('chat.estimate with long-prompt price tiers', () => {
  const tier = { input: 2, output: 8, cacheRead: 0.2, cacheWrite: null };
  // Base prices (FakeModels): input 1, output 4 per million tokens.
  const router = routerWith(new FakeModels().add('openai', 'tiered', { pricingTiers: [{ aboveInputTokens: 1000, pricing: tier }] }));
  // FakeAdmission counts (characters + 4) / 4 tokens per message.
  const estimate = (chars: number) =>
    router.estimate({ target: { keyId: 'oa1', model: 'tiered' }, messages: [{ role: 'user', content: 'x'.repeat(chars) }], params: { maxTokens: 500 } });

  it('prices a prompt above the threshold at the tier prices', async () => {
    const e = await estimate(4396);
    expect(e.promptTokens).toBe(1100);
    expect(e.minCostUsd).toBeCloseTo((1100 * 2) / 1e6, 12);
    expect(e.maxCostUsd).toBeCloseTo((1100 * 2 + 500 * 8) / 1e6, 12);
  });

  it('keeps the base prices at or below the threshold', async () => {
    const e = await estimate(3996);
    expect(e.promptTokens).toBe(1000);
    expect(e.minCostUsd).toBeCloseTo(1000 / 1e6, 12);
    expect(e.maxCostUsd).toBeCloseTo((1000 + 500 * 4) / 1e6, 12);
  });
});
