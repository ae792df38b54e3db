import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo, PriceUpdateStatus } from '../../../shared/contract/index.js';
import { AppError } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

// The catalog through the real core: an OpenRouter key added lists OpenRouter's models with their
// live prices without a refresh being asked for; the online price update follows the setting and
// the environment's address; a chat on any listed model is priced at the listing's price.

const OPENROUTER_KEY = `sk-or-v1-${'c'.repeat(24)}${Math.random().toString(36).slice(2)}`;
let fake: FakeProviders;
let t: TestCore;

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  t = await startTestCore({ env: { SWITCHBOARD_MODELS_DEV_URL: `${fake.url}/models.dev/api.json` } });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

type List = { models: ModelInfo[]; priceUpdates?: PriceUpdateStatus };
const list = (filter: Record<string, unknown> = {}) => t.call<List>('models.list', filter);

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('catalog through the core', () => {
  it('starts on the bundled prices with online updates off, and fetches nothing', async () => {
    const answer = await list({ provider: 'openai' });
    expect(answer.priceUpdates).toMatchObject({ enabled: false, inUse: 'bundled', online: null, url: `${fake.url}/models.dev/api.json`, nextCheckAt: null });
    await expect(t.call('models.updatePrices', {})).rejects.toBeInstanceOf(AppError);
    expect(fake.stats().requests['GET /models.dev/api.json']).toBeUndefined();
  });

  it('an OpenRouter key lists OpenRouter’s models and live prices as soon as it is added, and says the catalog changed', async () => {
    t.events.length = 0;
    await t.call('keys.add', { provider: 'openrouter', label: 'Router', secret: OPENROUTER_KEY, baseUrl: fake.baseUrls.openrouter });
    const tiny = await eventually(async () => (await list({ provider: 'openrouter' })).models.find((m) => m.id === 'fake-lab/tiny-chat'), 'the OpenRouter listing');
    expect(tiny).toMatchObject({ priceSource: 'provider', pricing: { input: 0.99, output: 2.3 } });
    expect((await list({ provider: 'openrouter', search: 'gpt-4o-mini' })).models.find((m) => m.id === 'openai/gpt-4o-mini')).toMatchObject({ priceSource: 'provider', pricing: { input: 0.2 } });
    expect(t.events.some((e) => e.name === 'models.changed')).toBe(true);
    // One listing by the key test (it counts the models), one by the catalog.
    expect(fake.stats().requests['GET /openrouter/api/v1/models']).toBe(2);

    // Picking any of them works and is priced at OpenRouter's price.
    const free = await t.call<{ costUsd: number | null }>('chat.send', {
      sessionId: 'or-free',
      target: { provider: 'openrouter', model: 'qwen/qwen3-coder:free' },
      messages: [{ role: 'user', content: 'hi [[usage:in=1000,out=500]]' }],
      stream: false,
    });
    expect(free.costUsd).toBe(0);
    const fresh = await t.call<{ costUsd: number | null }>('chat.send', {
      sessionId: 'or-fresh',
      target: { provider: 'openrouter', model: 'fake-lab/fresh-model-2026' },
      messages: [{ role: 'user', content: 'hi [[usage:in=1000,out=500]]' }],
      stream: false,
    });
    expect(fresh.costUsd).toBeCloseTo((1000 * 0.6 + 500 * 2.4) / 1e6, 12);
    expect(JSON.stringify(t.events) + t.lines.join('\n')).not.toContain(OPENROUTER_KEY);
  });

  it('turning online updates on fetches models.dev at once and models.list says where the prices come from', async () => {
    t.events.length = 0;
    await t.call('settings.set', { onlinePriceUpdates: true });
    const status = await eventually(async () => {
      const s = (await list({ provider: 'openai' })).priceUpdates;
      return s?.inUse === 'models.dev' ? s : undefined;
    }, 'the price update');
    expect(status).toMatchObject({ enabled: true, online: { changed: 3, skipped: 0 } });
    expect((await list({ provider: 'openai', search: 'gpt fake online' })).models.map((m) => m.id)).toEqual(['gpt-fake-online']);
    expect((await list({ provider: 'openai' })).models.find((m) => m.id === 'gpt-4o')?.pricing?.input).toBe(2.25);
    expect(t.events.some((e) => e.name === 'models.changed')).toBe(true);
    // "Check now" within the day fetches again (the user asked), and answers the status.
    const now = await t.call<PriceUpdateStatus>('models.updatePrices', {});
    expect(now).toMatchObject({ inUse: 'models.dev', enabled: true });
    expect(fake.stats().requests['GET /models.dev/api.json']).toBe(2);
    // OpenRouter's live prices still win over the update's.
    expect((await list({ provider: 'openrouter', search: 'gpt-4o-mini' })).models.find((m) => m.id === 'openai/gpt-4o-mini')?.pricing?.input).toBe(0.2);

    await t.call('settings.set', { onlinePriceUpdates: false });
    expect((await list({ provider: 'openai' })).models.find((m) => m.id === 'gpt-4o')?.pricing?.input).toBe(2.5);
  });

  it('refuses a models.updatePrices request with fields, naming them', async () => {
    await expect(t.call('models.updatePrices', { url: 'http://evil.example' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
