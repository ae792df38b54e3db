import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ModelInfo, type ModelsRefreshResult } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { tempDir } from '../../helpers/temp-dir.js';

// models.refresh through the real core (contract parsing and answer checks, keys service, catalog,
// router and metering), with the OpenRouter key from the environment and a local server key added
// by the user.

const dir = tempDir('sb-refresh-core-');
const OPENROUTER_KEY = `sk-or-v1-${'e'.repeat(24)}${Math.random().toString(36).slice(2)}`;
const LOCAL_KEY = `sk-test-local-${'l'.repeat(20)}`;
let fake: FakeProviders;
let t: TestCore;

const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);

// The same data folder across the restart (the test's, kept by t.close()); the log file is written as the app writes it.
const start = (env: Record<string, string>) => startTestCore({ dataDir: dir.path, env, logFile: true });

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  t = await start({ OPENROUTER_API_KEY: OPENROUTER_KEY, OPENROUTER_BASE_URL: fake.baseUrls.openrouter });
});
afterAll(async () => {
  await t.close();
  await fake.close();
  dir.cleanup();
});

describe('models.refresh through the core', () => {
  it('refreshes the configured providers and models.list shows the provider-listed models', async () => {
    await call('keys.add', { provider: 'openai-compatible', label: 'Local', secret: LOCAL_KEY, baseUrl: fake.baseUrls.openai });
    const answer = await call<{ providers: ModelsRefreshResult[]; checkedAt: string }>('models.refresh', {});
    expect(answer.providers.map((p) => p.provider).sort()).toEqual(['openai-compatible', 'openrouter']);
    expect(answer.providers.find((p) => p.provider === 'openrouter')).toMatchObject({ listed: 34, added: 3, priced: 3, repriced: 30 });
    expect(answer.providers.find((p) => p.provider === 'openai-compatible')).toMatchObject({ listed: 7, added: 7, priced: 0 });
    expect(Date.parse(answer.checkedAt)).not.toBeNaN();

    const list = await call<{ models: ModelInfo[]; providerListings?: Array<{ provider: string; models: number }> }>('models.list', { provider: 'openrouter' });
    expect(list.models.find((m) => m.id === 'fake-lab/tiny-chat')).toMatchObject({ priceSource: 'provider', pricing: { input: 0.99, output: 2.3 } });
    expect(list.models.find((m) => m.id === 'openai/gpt-4o-mini')).toMatchObject({ priceSource: 'provider', pricing: { input: 0.2 } });
    expect(list.providerListings?.map((l) => [l.provider, l.models])).toEqual([
      ['openrouter', 3],
      ['openai-compatible', 7],
    ]);
    const search = await call<{ models: ModelInfo[] }>('models.list', { search: 'tiny chat' });
    expect(search.models.map((m) => m.id)).toEqual(['fake-lab/tiny-chat']);

    const all = JSON.stringify(answer) + JSON.stringify(list) + t.lines.join('\n');
    expect(all).not.toContain(OPENROUTER_KEY);
    expect(all).not.toContain(LOCAL_KEY);
  });

  it('refuses a provider id it does not know, naming the field', async () => {
    const err = (await call('models.refresh', { provider: 'nope' }).catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/provider/);
    const extra = (await call('models.refresh', { provider: 'openrouter', force: true }).catch((e: unknown) => e)) as AppError;
    expect(extra.code).toBe('VALIDATION');
  });

  it('a chat with a provider-listed model is metered at the provider’s price; an unpriced one costs unknown (null)', async () => {
    const priced = await call<{ costUsd: number | null; model: string }>('chat.send', {
      sessionId: 'refresh-priced',
      target: { provider: 'openrouter', model: 'fake-lab/tiny-chat' },
      messages: [{ role: 'user', content: 'hello [[usage:in=1000,out=1000]]' }],
      stream: false,
    });
    expect(priced.model).toBe('fake-lab/tiny-chat');
    expect(priced.costUsd).toBeCloseTo((1000 * 0.99 + 1000 * 2.3) / 1e6, 12);

    const unpriced = await call<{ costUsd: number | null }>('chat.send', {
      sessionId: 'refresh-unpriced',
      target: { provider: 'openai-compatible', model: 'gpt-4o-mini' },
      messages: [{ role: 'user', content: 'hello [[usage:in=1000,out=1000]]' }],
      stream: false,
    });
    expect(unpriced.costUsd).toBeNull();
  });

  it('after a restart without network or keys, the provider-listed models are still there', async () => {
    await t.close();
    await fake.close();
    t = await start({});
    const list = await call<{ models: ModelInfo[] }>('models.list', {});
    expect(list.models.find((m) => m.provider === 'openrouter' && m.id === 'anthropic/claude-haiku-4.5')).toMatchObject({ pricing: { cacheRead: 0.1, cacheWrite: 1.25 } });
    expect(list.models.filter((m) => m.provider === 'openai-compatible')).toHaveLength(7);
    // This vault kept keys for the session only and the environment has none: nothing to refresh,
    // and a provider asked for by name says why while its list stays.
    expect((await call<{ providers: ModelsRefreshResult[] }>('models.refresh', {})).providers).toEqual([]);
    const named = await call<{ providers: ModelsRefreshResult[] }>('models.refresh', { provider: 'openai-compatible' });
    expect(named.providers).toEqual([expect.objectContaining({ provider: 'openai-compatible', listed: 0, fetchedAt: expect.any(String), error: expect.objectContaining({ code: 'KEY_NOT_FOUND' }) })]);
    expect((await call<{ models: ModelInfo[] }>('models.list', { provider: 'openai-compatible' })).models).toHaveLength(7);
    fake = await startFakeProviders({ port: 0 });

    const file = readFileSync(join(dir.path, 'provider-models.json'), 'utf8');
    expect(file).not.toContain(OPENROUTER_KEY);
    for (const f of readdirSync(join(dir.path, 'logs'))) expect(readFileSync(join(dir.path, 'logs', f), 'utf8')).not.toContain(LOCAL_KEY);
  });
});
