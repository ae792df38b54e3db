import { createServer, type Server } from 'node:net';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../electron/core/app/logger.js';
import { CatalogRefresher } from '../../../electron/core/catalog/catalog-refresh.js';
import { CatalogService } from '../../../electron/core/catalog/catalog-service.js';
import type { ResolvedKey } from '../../../electron/core/ports.js';
import { findCatalogModel } from '../../../shared/catalog/index.js';
import { AppError, ModelsRefreshResponse, type ModelInfo, type ProviderId } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

// models.refresh against the fake provider server through the real SDKs: which keys list, what is
// merged (a provider's own listed price wins over models.dev's, the user's over both), what is kept
// on disk, and what a failed listing leaves behind.

const SECRETS = {
  openrouter: `sk-or-v1-${'r'.repeat(24)}${Math.random().toString(36).slice(2)}`,
  openai: `sk-test-${'o'.repeat(24)}${Math.random().toString(36).slice(2)}`,
  anthropic: `sk-ant-test-${'a'.repeat(24)}`,
  gemini: `AIza${'g'.repeat(35)}`,
  azure: `${'z'.repeat(32)}`,
  compatible: `sk-test-local-${'c'.repeat(20)}`,
};
const NOW = Date.UTC(2026, 6, 3, 9, 30);

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function key(provider: ProviderId, secret: string, baseUrl: string, extra: Partial<ResolvedKey> = {}): ResolvedKey {
  return { id: `key_${provider}_${Math.random().toString(36).slice(2, 8)}`, provider, label: provider, secret, baseUrl, options: {}, source: 'user', ...extra };
}

/** A catalog with a refresher whose keys the test sets per provider. */
function setup(dir?: string, timeoutMs = 5000) {
  let dataDir = dir;
  if (!dataDir) {
    const t = tempDir('sb-refresh-');
    cleanups.push(t.cleanup);
    dataDir = t.path;
  }
  const logFile = join(dataDir, 'logs', 'test.log');
  const logger: Logger = createLogger({ file: logFile, write: () => {} });
  const keys = new Map<ProviderId, ResolvedKey[]>();
  const catalog = new CatalogService({ dataDir, logger, now: () => NOW });
  const refresher = new CatalogRefresher({ keys: { candidates: async (p) => keys.get(p) ?? [] }, store: catalog.providerModels, known: (p, m) => catalog.knows(p, m), logger, now: () => NOW, timeoutMs });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  return { dataDir, catalog, refresher, keys, log };
}

const find = (models: ModelInfo[], provider: ProviderId, id: string) => models.find((m) => m.provider === provider && m.id === id);

describe('models.refresh', () => {
  it('OpenRouter: every listed model with its live price per million; OpenRouter’s own price wins over models.dev’s', async () => {
    const { catalog, refresher, keys } = setup();
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
    const answer = await refresher.refresh();
    expect(ModelsRefreshResponse.parse(answer)).toEqual(answer);
    expect(answer.checkedAt).toBe(new Date(NOW).toISOString());
    // Only configured providers are refreshed. 34 listed: 3 the catalog lacks (all priced), 30 repriced, the auto router unknown.
    expect(answer.providers).toEqual([{ provider: 'openrouter', listed: 34, added: 3, priced: 3, repriced: 30, fetchedAt: new Date(NOW).toISOString() }]);

    const models = catalog.list({ provider: 'openrouter' });
    expect(find(models, 'openrouter', 'fake-lab/tiny-chat')).toMatchObject({
      name: 'Fake Lab: Tiny Chat',
      pricing: { input: 0.99, output: 2.3, cacheRead: null, cacheWrite: null },
      contextWindow: 32_768,
      maxOutputTokens: 4_096,
      priceSource: 'provider',
      pricesCheckedAt: '2026-07-03',
      listedAt: '2026-07-03',
    });
    expect(find(models, 'openrouter', 'anthropic/claude-haiku-4.5')).toMatchObject({ pricing: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }, priceSource: 'provider' });
    expect(find(models, 'openrouter', 'meta-llama/llama-3.1-8b-instruct:free')?.pricing).toEqual({ input: 0, output: 0, cacheRead: null, cacheWrite: null });
    // "-1": the price varies, so it is unknown, never 0 (models.dev has no price either).
    expect(find(models, 'openrouter', 'openrouter/auto')).toMatchObject({ pricing: null, pricesCheckedAt: null });
    // A catalog model OpenRouter lists at another price: OpenRouter's (what it charges today), with the catalog's name and flags.
    const mini = find(models, 'openrouter', 'openai/gpt-4o-mini')!;
    expect(findCatalogModel('openrouter', 'openai/gpt-4o-mini')?.pricing).toMatchObject({ input: 0.15, output: 0.6 });
    expect(mini).toMatchObject({ priceSource: 'provider', pricing: { input: 0.2, output: 0.8, cacheRead: 0.075, cacheWrite: null }, pricesCheckedAt: '2026-07-03', name: findCatalogModel('openrouter', 'openai/gpt-4o-mini')!.name });
    expect(mini.note).toMatch(/Price listed by OpenRouter on 2026-07-03/);
    expect(models.filter((m) => m.id === 'openai/gpt-4o-mini')).toHaveLength(1);
    // models.dev's long-prompt tier stays while OpenRouter agrees on the base price, and goes when it does not.
    expect(find(models, 'openrouter', 'google/gemini-3.1-pro-preview')?.pricingTiers).toEqual(findCatalogModel('openrouter', 'google/gemini-3.1-pro-preview')!.pricingTiers);
    expect(findCatalogModel('openrouter', 'google/gemini-3.1-pro-preview')!.pricingTiers?.length).toBeGreaterThan(0);
    // A model OpenRouter does not list keeps the catalog's price.
    expect(find(models, 'openrouter', 'anthropic/claude-3-haiku')).toMatchObject({ priceSource: 'catalog', pricing: findCatalogModel('openrouter', 'anthropic/claude-3-haiku')!.pricing });

    // The router and metering see the same through find().
    expect(catalog.find('openrouter', 'fake-lab/tiny-chat')).toMatchObject({ priceSource: 'provider', pricing: { input: 0.99, output: 2.3 } });
    expect(catalog.find('openrouter', 'openai/gpt-4o-mini')?.pricing?.input).toBe(0.2);
    expect(catalog.providerListings()).toEqual([{ provider: 'openrouter', fetchedAt: new Date(NOW).toISOString(), models: 3 }]);
    expect(fake.requests().at(-1)).toMatchObject({ method: 'GET', path: '/openrouter/api/v1/models', keyPresent: true });
  });

  it('OpenRouter prices in the wrong units (per million where per token belongs) are refused as a whole: the previous list stays', async () => {
    const { catalog, refresher, keys, log } = setup();
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
    await refresher.refresh();
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter.replace('/openrouter/', '/openrouter-per-million/'))]);
    const answer = await refresher.refresh();
    expect(answer.providers[0]).toMatchObject({
      provider: 'openrouter',
      listed: 0,
      fetchedAt: new Date(NOW).toISOString(),
      error: { code: 'IMPLAUSIBLE_PRICES', message: expect.stringMatching(/listed \d+ of \d+ prices that cannot be USD per token .*previous list stays in use/) },
    });
    expect(catalog.find('openrouter', 'fake-lab/tiny-chat')?.pricing).toMatchObject({ input: 0.99, output: 2.3 });
    expect(catalog.find('openrouter', 'openai/gpt-4o-mini')?.pricing?.input).toBe(0.2);
    expect(log()).toMatch(/implausible prices/);
  });

  it('a price the user set wins over the provider-listed one, and the model is listed once', async () => {
    const { catalog, refresher, keys } = setup();
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
    catalog.setPrice({ provider: 'openrouter', model: 'fake-lab/tiny-chat', pricing: { input: 5, output: 6, cacheRead: null, cacheWrite: null } });
    expect(catalog.find('openrouter', 'fake-lab/tiny-chat')?.priceSource).toBe('user');
    await refresher.refresh('openrouter');
    const mine = catalog.list({ provider: 'openrouter' }).filter((m) => m.id === 'fake-lab/tiny-chat');
    expect(mine).toHaveLength(1);
    // The user's price, with the provider's limits filling what the user left open.
    expect(mine[0]).toMatchObject({ priceSource: 'user', pricing: { input: 5, output: 6 }, contextWindow: 32_768, listedAt: '2026-07-03' });
    expect(catalog.find('openrouter', 'fake-lab/tiny-chat')).toMatchObject({ priceSource: 'user', pricing: { input: 5, output: 6 } });
    // Removing the user's price falls back to the provider's.
    catalog.setPrice({ provider: 'openrouter', model: 'fake-lab/tiny-chat', pricing: null });
    expect(catalog.find('openrouter', 'fake-lab/tiny-chat')).toMatchObject({ priceSource: 'provider', pricing: { input: 0.99 } });
  });

  it('keeps the lists on disk (0600, no secret) so they survive a restart and work offline', async () => {
    const first = setup();
    first.keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
    await first.refresher.refresh();
    const file = join(first.dataDir, 'provider-models.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRETS.openrouter);
    expect(JSON.parse(text)).toMatchObject({ version: 1, providers: { openrouter: { fetchedAt: new Date(NOW).toISOString() } } });

    // A new catalog on the same folder, with no provider reachable and no key at all.
    const again = setup(first.dataDir);
    expect(find(again.catalog.list(), 'openrouter', 'fake-lab/tiny-chat')).toMatchObject({ priceSource: 'provider', pricing: { input: 0.99 } });
    expect(again.catalog.find('openrouter', 'anthropic/claude-haiku-4.5')?.pricing?.cacheWrite).toBe(1.25);
  });

  it('a failed listing keeps the previous list for that provider and says why (classified, no secret)', async () => {
    const { catalog, refresher, keys, log } = setup();
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
    keys.set('openai', [key('openai', SECRETS.openai, fake.baseUrls.openai)]);
    keys.set('openai-compatible', [key('openai-compatible', SECRETS.compatible, fake.baseUrls.openai)]);
    const before = await refresher.refresh();
    const compatibleBefore = catalog.list({ provider: 'openai-compatible' });
    expect(compatibleBefore.length).toBeGreaterThan(0);

    // The OpenRouter key is revoked, the local server is gone; OpenAI still answers.
    const revoked = `${SECRETS.openrouter}-invalid`;
    keys.set('openrouter', [key('openrouter', revoked, fake.baseUrls.openrouter)]);
    keys.set('openai-compatible', [key('openai-compatible', SECRETS.compatible, `http://127.0.0.1:${await closedPort()}/v1`)]);
    const after = await refresher.refresh();
    const byProvider = new Map(after.providers.map((r) => [r.provider, r]));
    expect(byProvider.get('openrouter')).toMatchObject({
      listed: 0,
      added: 0,
      fetchedAt: before.providers.find((r) => r.provider === 'openrouter')!.fetchedAt,
      error: { code: 'KEY_INVALID', message: 'OpenRouter rejected the API key (HTTP 401).' },
    });
    expect(byProvider.get('openrouter')?.error?.hint).toMatch(/wrong, revoked/);
    expect(byProvider.get('openai-compatible')).toMatchObject({ error: { code: 'NETWORK' } });
    expect(byProvider.get('openai-compatible')?.error?.hint).toMatch(/local server/);
    expect(byProvider.get('openai')).toMatchObject({ listed: 7, added: 0 });
    expect(byProvider.get('openai')?.error).toBeUndefined();

    // What the failed providers listed before is still there.
    expect(find(catalog.list(), 'openrouter', 'fake-lab/tiny-chat')?.pricing?.input).toBe(0.99);
    expect(catalog.list({ provider: 'openai-compatible' })).toEqual(compatibleBefore);
    for (const secret of [SECRETS.openrouter, revoked, SECRETS.openai, SECRETS.compatible]) {
      expect(JSON.stringify(after)).not.toContain(secret);
      expect(log()).not.toContain(secret);
    }
    expect(log()).toMatch(/provider model list failed/);
  });

  it('a provider that does not answer in time is a TIMEOUT, and the others still finish', async () => {
    const silent = await hangingServer();
    try {
      const { refresher, keys } = setup(undefined, 300);
      keys.set('groq', [key('groq', 'gsk_test0123456789abcdefghij', `http://127.0.0.1:${silent.port}/v1`)]);
      keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
      const answer = await refresher.refresh();
      const groq = answer.providers.find((r) => r.provider === 'groq');
      expect(groq).toMatchObject({ listed: 0, fetchedAt: null, error: { code: 'TIMEOUT' } });
      expect(answer.providers.find((r) => r.provider === 'openrouter')?.added).toBe(3);
    } finally {
      await silent.close();
    }
  });

  it('lists each wire format through its SDK: OpenAI-compatible ids come in with prices unknown', async () => {
    const { catalog, refresher, keys } = setup();
    keys.set('openai', [key('openai', SECRETS.openai, fake.baseUrls.openai)]);
    keys.set('anthropic', [key('anthropic', SECRETS.anthropic, fake.baseUrls.anthropic)]);
    keys.set('gemini', [key('gemini', SECRETS.gemini, fake.baseUrls.gemini)]);
    keys.set('openai-compatible', [key('openai-compatible', SECRETS.compatible, fake.baseUrls.openai)]);
    const answer = await refresher.refresh();
    const byProvider = Object.fromEntries(answer.providers.map((r) => [r.provider, r]));
    expect(Object.keys(byProvider).sort()).toEqual(['anthropic', 'gemini', 'openai', 'openai-compatible']);
    expect(byProvider.openai).toMatchObject({ listed: 7, added: 0, priced: 0 });
    expect(byProvider.gemini).toMatchObject({ listed: 3, added: 0 });
    // Every model they list is in the catalog already (with models.dev's prices): nothing is added.
    expect(byProvider.anthropic).toMatchObject({ listed: 3, added: 0, priced: 0 });
    expect(catalog.find('anthropic', 'claude-opus-4-6')).toMatchObject({ name: 'Claude Opus 4.6', priceSource: 'catalog', pricing: { input: 5 } });
    expect(byProvider['openai-compatible']).toMatchObject({ listed: 7, added: 7, priced: 0 });
    const local = catalog.list({ provider: 'openai-compatible' });
    expect(local.map((m) => m.id)).toContain('gpt-4o-mini');
    for (const m of local) expect(m).toMatchObject({ pricing: null, priceSource: 'provider', pricesCheckedAt: null });
    // Catalog filters still apply: an unknown price never passes a price cap.
    expect(catalog.list({ provider: 'openai-compatible', maxInputPrice: 100 })).toEqual([]);
  });

  it('Azure: the key’s deployment is what the catalog gains (the listing names base models, not deployments)', async () => {
    const { catalog, refresher, keys } = setup();
    keys.set('azure', [key('azure', SECRETS.azure, fake.baseUrls.azure, { options: { deployment: 'team-chat', apiVersion: '2024-10-21' } })]);
    const answer = await refresher.refresh('azure');
    expect(answer.providers).toEqual([expect.objectContaining({ provider: 'azure', added: 1, priced: 0 })]);
    expect(answer.providers[0]!.listed).toBeGreaterThan(0);
    expect(catalog.find('azure', 'team-chat')).toMatchObject({ pricing: null, priceSource: 'provider', eu: true });
    // A deployment named like a bundled model already has its entry.
    keys.set('azure', [key('azure', SECRETS.azure, fake.baseUrls.azure, { options: { deployment: 'gpt-4o-mini' } })]);
    expect((await refresher.refresh('azure')).providers[0]).toMatchObject({ added: 0 });
  });

  it('uses the user’s own key before the environment key, one key per provider', async () => {
    const { refresher, keys } = setup();
    keys.set('openrouter', [
      key('openrouter', `${SECRETS.openrouter}-invalid`, fake.baseUrls.openrouter, { source: 'environment', id: 'env:openrouter' }),
      key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter),
    ]);
    const answer = await refresher.refresh();
    expect(answer.providers[0]).toMatchObject({ provider: 'openrouter', added: 3 });
    expect(answer.providers[0]?.error).toBeUndefined();
    expect(fake.stats().requests['GET /openrouter/api/v1/models']).toBe(1);

    // Without a user key, the environment key is used.
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter, { source: 'environment', id: 'env:openrouter' })]);
    expect((await refresher.refresh()).providers[0]?.error).toBeUndefined();
  });

  it('a provider asked for by name without a key says so; nothing configured answers an empty list', async () => {
    const { refresher } = setup();
    expect(await refresher.refresh()).toEqual({ providers: [], checkedAt: new Date(NOW).toISOString() });
    const named = await refresher.refresh('mistral');
    expect(named.providers).toEqual([{ provider: 'mistral', listed: 0, added: 0, priced: 0, fetchedAt: null, error: { code: 'KEY_NOT_FOUND', message: expect.stringMatching(/No usable Mistral key: add one in Settings/) } }]);
  });

  it('the same refresh asked for twice at once runs once', async () => {
    const { refresher, keys } = setup();
    keys.set('openrouter', [key('openrouter', SECRETS.openrouter, fake.baseUrls.openrouter)]);
    const [a, b] = await Promise.all([refresher.refresh(), refresher.refresh()]);
    expect(a).toEqual(b);
    expect(fake.stats().requests['GET /openrouter/api/v1/models']).toBe(1);
  });

  it('lists that cannot be saved change nothing: the error says so and the previous lists stay', async () => {
    const { catalog, refresher, keys, dataDir } = setup();
    keys.set('openai-compatible', [key('openai-compatible', SECRETS.compatible, fake.baseUrls.openai)]);
    // The file's place is taken by a folder: the atomic rename fails.
    mkdirSync(join(dataDir, 'provider-models.json'));
    const err = await refresher.refresh().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INTERNAL');
    expect((err as AppError).message).toMatch(/could not be saved.*previous lists stay in use/);
    expect(catalog.list({ provider: 'openai-compatible' })).toEqual([]);
    expect(catalog.find('openai-compatible', 'gpt-4o-mini')).toBeNull();
    rmSync(join(dataDir, 'provider-models.json'), { recursive: true });
    await refresher.refresh();
    expect(catalog.find('openai-compatible', 'gpt-4o-mini')).toMatchObject({ priceSource: 'provider' });
  });

  it('an unreadable lists file is set aside and the catalog starts without provider lists', async () => {
    const t = tempDir('sb-refresh-');
    cleanups.push(t.cleanup);
    const { writeFileSync, readdirSync } = await import('node:fs');
    writeFileSync(join(t.path, 'provider-models.json'), '{"version": 1, "providers": {"openrouter": {"fetchedAt": 5}}}');
    const { catalog } = setup(t.path);
    expect(catalog.providerListings()).toEqual([]);
    expect(readdirSync(t.path).some((f) => f.startsWith('provider-models.json.unreadable-'))).toBe(true);
  });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Accepts connections and never answers. */
async function hangingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const s: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return {
    port: (s.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        s.close(() => r());
      }),
  };
}
