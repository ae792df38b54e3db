import { expect, nav, rpc, test } from './fixtures.js';

function random(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

test('Models page: an OpenRouter key brings OpenRouter’s models with its live prices; "Refresh from providers" lists the others, with their prices or "unknown", kept after a reload and shown in the model picker', async ({ app, host, fake }) => {
  const openrouterKey = `sk-or-v1-${random(32)}`;
  const localKey = `sk-test-local-${random(24)}`;
  const revokedKey = `xai-${random(28)}-invalid`;
  // OpenRouter (its dialect on the fake server), a local OpenAI-compatible server, and an xAI key the provider refuses.
  expect((await rpc(host, 'keys.add', { provider: 'openrouter', label: 'Router', secret: openrouterKey, baseUrl: `${fake.url}/openrouter/api/v1` })).status).toBe(200);
  expect((await rpc(host, 'keys.add', { provider: 'openai-compatible', label: 'Local', secret: localKey, baseUrl: fake.baseUrls.openai })).status).toBe(200);
  expect((await rpc(host, 'keys.add', { provider: 'xai', label: 'Old', secret: revokedKey, baseUrl: fake.baseUrls.openai, skipTest: true })).status).toBe(200);

  await nav(app).getByRole('link', { name: 'Models', exact: true }).click();
  await expect(app.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  const row = (provider: string, id: string) => app.locator(`[data-testid="catalog-model"][data-provider="${provider}"][data-model="${id}"]`);
  const tiny = row('openrouter', 'fake-lab/tiny-chat');
  await expect(app.getByTestId('catalog-model').first()).toBeVisible();

  // Adding the OpenRouter key listed OpenRouter’s models in the background: no refresh needed.
  await app.getByRole('searchbox', { name: 'Search' }).fill('tiny chat');
  await expect(tiny).toContainText('Fake Lab: Tiny Chat');
  await expect(app.getByTestId('price-source')).toContainText(/OpenRouter’s models use OpenRouter’s own prices \(listed \d{4}-\d{2}-\d{2} \d{2}:\d{2}\)/);
  await app.getByRole('button', { name: 'Clear filters' }).click();

  await app.getByRole('button', { name: 'Refresh from providers' }).click();
  const results = app.getByRole('region', { name: 'Model list refresh results' });
  await expect(results).toContainText('Refreshed 2 of 3 providers; 1 failed.');
  await expect(results.locator('li[data-provider="openrouter"]')).toContainText('34 models listed · 3 added with the provider’s prices · 30 catalog models at OpenRouter’s own price');
  await expect(results.locator('li[data-provider="openai-compatible"]')).toContainText('7 models listed · 7 added, price unknown');
  const xai = results.locator('li[data-provider="xai"]');
  await expect(xai).toContainText('failed');
  await expect(xai).toContainText('xAI rejected the API key');
  await expect(xai).toContainText('No earlier list is kept.');
  await app.screenshot({ path: 'tests/e2e/screenshots/models-refresh.png' });

  // OpenRouter's prices, converted from USD per token to per million without float drift.
  await app.getByLabel('Provider').selectOption('openrouter');
  await app.getByRole('searchbox', { name: 'Search' }).fill('tiny');
  await expect(tiny).toContainText('$0.99');
  await expect(tiny).toContainText('$2.30');
  await expect(tiny).toContainText('Listed by provider');
  await expect(tiny).toContainText('OpenRouter');
  // OpenRouter's live price wins over models.dev's for a model both know.
  await app.getByRole('searchbox', { name: 'Search' }).fill('gpt-4o-mini');
  const mini = row('openrouter', 'openai/gpt-4o-mini');
  await expect(mini).toContainText('$0.20');
  await expect(mini).toContainText('$0.80');
  await expect(mini).not.toContainText('Listed by provider');
  await expect(app.locator('[data-testid="catalog-model"]:not([data-provider="openrouter"])')).toHaveCount(0);
  // A free model is $0.00, a price; the auto router's varies: unknown.
  await app.getByRole('searchbox', { name: 'Search' }).fill('qwen3-coder:free');
  await expect(row('openrouter', 'qwen/qwen3-coder:free')).toContainText('$0.00');
  await app.getByRole('searchbox', { name: 'Search' }).fill('openrouter/auto');
  await expect(row('openrouter', 'openrouter/auto')).toContainText('unknown');
  await app.getByRole('searchbox', { name: 'Search' }).fill('');
  await app.getByLabel('Sort').selectOption('input');
  await expect(app.getByTestId('catalog-model').first()).toContainText('$0.00');
  await app.screenshot({ path: 'tests/e2e/screenshots/models-refresh-openrouter.png' });
  await app.getByLabel('Sort').selectOption('catalog');

  // A local server publishes no prices: unknown, never $0.
  await app.getByLabel('Provider').selectOption('openai-compatible');
  const local = row('openai-compatible', 'gpt-4o-mini');
  await expect(local).toContainText('unknown');
  await expect(local).toContainText('price unknown');
  await expect(local).toContainText('listed by provider');
  await expect(local).not.toContainText('$0.00');
  await app.getByLabel('Provider').selectOption('');

  // The lists are kept by the core: a reload shows them without refreshing.
  await results.getByRole('button', { name: 'Dismiss the refresh results' }).click();
  await expect(results).toBeHidden();
  await app.reload();
  await expect(app.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(app.getByText(/Providers’ model lists fetched \d{4}-\d{2}-\d{2} \d{2}:\d{2}/)).toBeVisible();
  await app.getByRole('searchbox', { name: 'Search' }).fill('tiny chat');
  await expect(tiny).toContainText('$0.99');

  // The model picker offers them under their provider.
  await nav(app).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New conversation' });
  const openrouter = dialog.getByRole('region', { name: 'OpenRouter', exact: true });
  await expect(openrouter.locator('[data-model="fake-lab/tiny-chat"]')).toContainText('$0.99 in · $2.30 out per 1M tokens');
  await expect(openrouter.locator('[data-model="fake-lab/tiny-chat"]')).toContainText('32.8K context');
  const compatible = dialog.getByRole('region', { name: 'OpenAI-compatible (Ollama, LM Studio, vLLM)', exact: true });
  await expect(compatible.locator('[data-model="gpt-4o-mini"]')).toContainText('price unknown');

  // No secret reached the page.
  const html = await app.content();
  for (const secret of [openrouterKey, localKey, revokedKey]) {
    expect(html).not.toContain(secret);
    expect(host.output()).not.toContain(secret);
  }
});
