import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import Papa from 'papaparse';
import { expect, fakeOpenAiKey, nav, rpc, screenshotWholePage, test, type FakeProviderServer, type Host } from './fixtures.js';

async function addOpenAiKey(host: Host, fake: FakeProviderServer): Promise<string> {
  const res = await rpc<{ id: string }>(host, 'keys.add', { provider: 'openai', label: 'Work', secret: fakeOpenAiKey(), baseUrl: fake.baseUrls.openai });
  expect(res.status).toBe(200);
  return res.json.id;
}

function chat(host: Host, sessionId: string, keyId: string, model: string, text: string) {
  return rpc<{ costUsd: number | null; error?: { code: string; message: string } }>(host, 'chat.send', {
    sessionId,
    target: { keyId, model },
    messages: [{ role: 'user', content: text }],
    params: { maxTokens: 256 },
    stream: false,
  });
}

/**
 * Puts a conversation into the app's IndexedDB as the conversation store would, so its id can be
 * the usage session of calls made through the API (the chat UI is another feature's test).
 */
async function seedConversation(page: Page, id: string, title: string): Promise<void> {
  await page.evaluate(
    async ({ id, title }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('switchboard');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const now = Date.now();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('conversations', 'readwrite');
        tx.objectStore('conversations').put({ id, title, agent: 'chat', target: { kind: 'system' }, params: {}, createdAt: now, updatedAt: now });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { id, title },
  );
}

test('a new user sees an empty, readable Usage page', async ({ app }) => {
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  await expect(app).toHaveURL(/\/usage$/);
  await expect(app.getByRole('heading', { name: 'No calls yet — start a conversation' })).toBeVisible();
  await expect(app.getByRole('button', { name: 'Export CSV' })).toBeVisible();
});

test('chat, see the call on the dashboard, set a tiny limit, get refused with a banner, export CSV', async ({ app, host, fake }) => {
  const keyId = await addOpenAiKey(host, fake);
  const sessionId = crypto.randomUUID();
  await expect(app.getByText('No conversations yet.')).toBeVisible();
  await seedConversation(app, sessionId, 'Budget planning');
  await app.reload();
  await expect(nav(app).getByRole('link', { name: /Budget planning/ })).toBeVisible();

  // 1000 prompt tokens (200 more from cache) and 300 output (40 reasoning) at gpt-4o-mini's prices:
  // 1000 × 0.15 + 200 × 0.075 + 300 × 0.6 per million = $0.000345.
  const first = await chat(host, sessionId, keyId, 'gpt-4o-mini', 'Plan my budget [[usage:in=1200,out=300,cached=200,reasoning=40]]');
  expect(first.status).toBe(200);
  expect(first.json.costUsd).toBeCloseTo(0.000345, 12);

  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  const totals = app.getByRole('region', { name: /^Totals for/ });
  await expect(totals.getByTestId('total-cost')).toContainText('$0.000345');
  await expect(totals.getByTestId('total-calls').locator('.stat-value')).toHaveText('1');
  await expect(totals.getByTestId('total-prompt')).toContainText('1,200');
  await expect(totals.getByTestId('total-prompt')).toContainText('200 cache read');
  await expect(totals.getByTestId('total-output')).toContainText('40 reasoning');

  // The chart has a bar for today, stacked by provider.
  const chart = app.locator('.usage-chart-card');
  await expect(chart.getByRole('heading', { name: 'Cost per day, by provider' })).toBeVisible();
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(chart.locator('.chart-legend')).toContainText('OpenAI');
  await expect(chart.locator('.chart-legend')).toContainText('$0.000345');

  const topModels = app.getByRole('region', { name: 'Top models' });
  await expect(topModels.getByRole('row', { name: /gpt-4o-mini/ })).toContainText('$0.000345');
  const topConversations = app.getByRole('region', { name: 'Top conversations' });
  await expect(topConversations.getByRole('link', { name: 'Budget planning' })).toBeVisible();

  const calls = app.getByRole('region', { name: 'Calls', exact: true });
  const row = calls.getByTestId('usage-call').first();
  await expect(row).toContainText('gpt-4o-mini');
  await expect(row).toContainText('OK');
  await expect(row).toContainText('1,500');
  await expect(row).toContainText('1,000 in · 200 cache read · 300 out · 40 reasoning');
  await expect(row).toContainText('$0.000345');

  // A call made while the page is open shows up by itself (usage.recorded), and a model without a
  // price is "unknown", never $0.
  expect((await chat(host, sessionId, keyId, 'my-local-model', 'Hello')).status).toBe(200);
  await expect(calls.getByTestId('usage-call')).toHaveCount(2);
  await expect(calls.getByTestId('usage-call').first()).toContainText('unknown');
  await expect(totals.getByTestId('total-cost')).toContainText('1 call with unknown price');
  await expect(totals.getByTestId('total-calls').locator('.stat-value')).toHaveText('2');

  // Chart controls: tokens by model.
  await chart.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Tokens' }).click();
  await chart.getByRole('group', { name: 'Stack by' }).getByRole('button', { name: 'Model' }).click();
  await expect(chart.getByRole('heading', { name: 'Tokens per day, by model' })).toBeVisible();
  await expect(chart.locator('.chart-legend')).toContainText('my-local-model');
  await chart.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Cost' }).click();
  await chart.getByRole('group', { name: 'Stack by' }).getByRole('button', { name: 'Provider' }).click();
  await screenshotWholePage(app, 'tests/e2e/screenshots/usage-dashboard.png');

  // --- a tiny daily limit, with inline validation first
  await nav(app).getByRole('link', { name: 'Settings', exact: true }).click();
  await app.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Limits & time zone' }).click();
  await expect(app).toHaveURL(/\/settings\/limits$/);
  await expect(app.getByTestId('limits-explainer')).toContainText('reserving its worst case');
  await expect(app.getByLabel('IANA time zone')).toHaveValue('UTC');

  const daily = app.getByRole('region', { name: 'Daily token limits' });
  await daily.getByLabel('For a provider').selectOption('openai');
  const amount = daily.getByRole('textbox', { name: 'Tokens per day' }).first();
  await amount.fill('0');
  await daily.getByRole('button', { name: 'Add limit' }).first().click();
  await expect(daily.getByText('A whole number of tokens, more than 0')).toBeVisible();
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await amount.fill('1000');
  await daily.getByRole('button', { name: 'Add limit' }).first().click();
  const limitRow = daily.locator('[data-limit="dailyTokens.provider.openai"]');
  await expect(limitRow).toBeVisible();
  await expect(limitRow.getByRole('textbox', { name: 'OpenAI' })).toHaveValue('1000');
  await expect(limitRow).toContainText(/1,5\d\d of 1,000 tokens/);
  await expect(limitRow).toContainText('Resets');
  await expect(limitRow).toContainText('Limit reached');
  await screenshotWholePage(app, 'tests/e2e/screenshots/limits-page.png');

  // --- the next call is refused before any provider request, and the banner says so
  const before = await (await fetch(`${fake.url}/_stats`)).json();
  const refused = await chat(host, sessionId, keyId, 'gpt-4o-mini', 'One more');
  expect(refused.status).toBe(403);
  expect(refused.json.error?.code).toBe('LIMIT_EXCEEDED');
  expect(await (await fetch(`${fake.url}/_stats`)).json()).toEqual(before);

  const banner = app.getByTestId('limit-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('OpenAI’s daily token limit is reached');
  await expect(banner).toContainText(/1,5\d\d of 1,000 tokens used/);
  await expect(banner.getByRole('link', { name: 'Open Limits' })).toHaveAttribute('href', '/settings/limits');

  // Raising the limit takes the banner away.
  await limitRow.getByRole('textbox', { name: 'OpenAI' }).fill('1,000,000');
  await limitRow.getByRole('button', { name: 'Save' }).click();
  await expect(limitRow).toContainText('of 1,000,000 tokens');
  await expect(banner).toBeHidden();

  // --- CSV export of the period holds both calls
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  const models = parsed.data.map((r) => r.model);
  expect(models).toContain('gpt-4o-mini');
  expect(models).toContain('my-local-model');
  const paid = parsed.data.find((r) => r.model === 'gpt-4o-mini')!;
  expect(paid.session_id).toBe(sessionId);
  // The conversation's title, which only the app's own database holds, is in the file too.
  expect(paid.session_title).toBe('Budget planning');
  expect(paid.status).toBe('ok');
  expect(Number(paid.input_tokens)).toBe(1000);
  expect(Number(paid.cache_read_tokens)).toBe(200);
  await expect(app.getByText(/Usage exported/)).toBeVisible();

  // --- deleting the conversation keeps its usage; the table falls back to the session id
  const sidebar = nav(app);
  await sidebar.getByRole('button', { name: 'Delete “Budget planning”' }).click();
  await app.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete conversation' }).click();
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  await expect(app.getByRole('region', { name: 'Top conversations' })).toContainText(sessionId);
  await expect(app.getByRole('region', { name: /^Totals for/ }).getByTestId('total-calls').locator('.stat-value')).toHaveText('2');
});

test('usage tables fit at 1280 px, every column in view, and scroll sideways at 1024 px', async ({ app, host, fake }) => {
  const keyId = await addOpenAiKey(host, fake);
  const sessionId = crypto.randomUUID();
  await seedConversation(app, sessionId, 'A conversation with a rather long title that goes on and on');
  for (const text of ['One [[usage:in=123456,out=7890,cached=1000]]', 'Two [[fault:quota]]']) await chat(host, sessionId, keyId, 'gpt-4o-mini', text);
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  const calls = app.getByRole('region', { name: 'Calls' });
  const top = app.getByRole('region', { name: 'Top conversations' });
  await expect(calls.getByTestId('usage-call')).toHaveCount(2);
  await calls.getByRole('columnheader', { name: 'Time' }).scrollIntoViewIfNeeded();
  await expect(calls.getByRole('columnheader', { name: 'Latency' })).toBeInViewport({ ratio: 1 });
  await top.getByRole('columnheader', { name: 'Conversation' }).scrollIntoViewIfNeeded();
  await expect(top.getByRole('columnheader', { name: 'Cost' })).toBeInViewport({ ratio: 1 });
  // The calls table never pushes the page wider than the window.
  expect(await app.locator('#main').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  await app.setViewportSize({ width: 1024, height: 768 });
  await calls.getByRole('columnheader', { name: 'Time' }).scrollIntoViewIfNeeded();
  expect(await app.locator('#main').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const wrap = calls.locator('.table-wrap');
  expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect(calls.getByRole('columnheader', { name: 'Latency' })).toBeInViewport({ ratio: 1 });
});

test('a limit at 80% warns with a notice and the Limits page marks it', async ({ app, host, fake }) => {
  const keyId = await addOpenAiKey(host, fake);
  // The call below reserves its prompt plus 1,700 output tokens and uses 1,600 tokens: 84 % of 1,900, within its reservation.
  expect((await rpc(host, 'limits.set', { dailyTokens: { key: { [keyId]: 1900 } } })).status).toBe(200);
  await nav(app).getByRole('link', { name: 'Settings', exact: true }).click();
  await app.getByRole('link', { name: 'Limits & time zone' }).click();
  await expect(app.locator('[data-limit^="dailyTokens.key."]')).toContainText('Key OpenAI · Work');

  const warned = await rpc(host, 'chat.send', {
    sessionId: 's-warn',
    target: { keyId, model: 'gpt-4o-mini' },
    messages: [{ role: 'user', content: 'Hi [[usage:in=10,out=1590]]' }],
    params: { maxTokens: 1700 },
    stream: false,
  });
  expect(warned.status).toBe(200);
  await expect(app.locator('.toast').filter({ hasText: '% used' })).toContainText('The daily token limit for key');
  await expect(app.locator('[data-limit^="dailyTokens.key."]')).toContainText('Over 80%');
});

test('Models page: filters, badges, prices per million, and a custom price with the core’s per-token check', async ({ app }) => {
  await nav(app).getByRole('link', { name: 'Models', exact: true }).click();
  await expect(app).toHaveURL(/\/models$/);
  await expect(app.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(app.getByText(/Bundled models\.dev snapshot of \d{4}-\d{2}-\d{2} \(commit [0-9a-f]{7}\)/)).toBeVisible();

  const rows = app.getByTestId('catalog-model');
  await expect(rows.first()).toBeVisible();
  await app.screenshot({ path: 'tests/e2e/screenshots/models-page.png' });
  const mini = app.locator('[data-testid="catalog-model"][data-provider="openai"][data-model="gpt-4o-mini"]');
  await expect(mini).toContainText('$0.15');
  await expect(mini).toContainText('$0.60');
  await expect(mini).toContainText('$0.075');
  await expect(mini).toContainText('128K');

  await app.getByLabel('Provider').selectOption('anthropic');
  await expect(app.locator('[data-testid="catalog-model"]:not([data-provider="anthropic"])')).toHaveCount(0);
  await expect(rows.first()).toBeVisible();
  await app.getByLabel('Recommended only').check();
  await expect(rows.filter({ hasNotText: 'Recommended' })).toHaveCount(0);
  await expect(rows.first()).toBeVisible();
  await app.getByRole('button', { name: 'Clear filters' }).click();

  await app.getByRole('searchbox', { name: 'Search' }).fill('gpt-4o');
  await expect(mini).toBeVisible();
  await app.getByLabel('Max input price').fill('0.2');
  await expect(mini).toBeVisible();
  await expect(app.locator('[data-testid="catalog-model"][data-provider="openai"][data-model="gpt-4o"]')).toHaveCount(0);
  await app.getByLabel('Max input price').fill('cheap');
  await expect(app.getByText('Enter a number of USD per million tokens')).toBeVisible();
  await app.getByRole('button', { name: 'Clear filters' }).click();

  // A custom price: typed per token, the core refuses it and says what was probably meant.
  await app.getByRole('button', { name: 'Set a custom price' }).click();
  const dialog = app.getByRole('dialog', { name: 'Set a custom model price' });
  await expect(dialog.getByLabel('Provider')).toHaveValue('openai-compatible');
  await dialog.getByLabel('Model id').fill('llama3.1:8b');
  await dialog.getByLabel('Input', { exact: true }).fill('0.0000025');
  await dialog.getByLabel('Output', { exact: true }).fill('10');
  await dialog.getByRole('button', { name: 'Save price' }).click();
  await expect(dialog.getByText(/looks like a price per token.*did you mean 2\.5/)).toBeVisible();
  await expect(dialog.getByLabel('Input', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await app.screenshot({ path: 'tests/e2e/screenshots/models-price-error.png' });
  await dialog.getByLabel('Input', { exact: true }).fill('2.5');
  await dialog.getByRole('button', { name: 'Save price' }).click();
  await expect(dialog).toBeHidden();

  const custom = app.locator('[data-testid="catalog-model"][data-model="llama3.1:8b"]');
  await expect(custom).toContainText('Your price');
  await expect(custom).toContainText('$2.50');
  await expect(custom).toContainText('set by you');

  await custom.getByRole('button', { name: 'Remove your price of llama3.1:8b' }).click();
  await app.getByRole('dialog', { name: 'Remove your price?' }).getByRole('button', { name: 'Remove price' }).click();
  await expect(custom).toHaveCount(0);
});

test.describe('in a locale that writes US$', () => {
  test.use({ locale: 'en-GB' });

  test('the cost chart’s axis labels are whole, not cut at the left edge', async ({ app, host, fake }) => {
    const keyId = await addOpenAiKey(host, fake);
    await chat(host, 's-axis', keyId, 'gpt-4o-mini', 'Axis [[usage:in=1000,out=100]]');
    await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
    const chart = app.locator('.usage-chart svg.recharts-surface').first();
    await expect(chart).toBeVisible();
    const ticks = app.locator('.usage-chart .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await expect(ticks.first()).toContainText('US$');
    const box = (await chart.boundingBox())!;
    for (const tick of await ticks.all()) expect((await tick.boundingBox())!.x).toBeGreaterThanOrEqual(box.x - 0.5);
  });
});

test('a conversation kept in another window (the desktop app) shows in Usage by the title the app reported, not its id', async ({ app, host, fake }) => {
  const keyId = await addOpenAiKey(host, fake);
  const sessionId = '5f1d2c3b-0a9e-4e7d-8c6b-2a1f0e9d8c7b';
  expect((await chat(host, sessionId, keyId, 'gpt-4o-mini', 'from the desktop window')).status).toBe(200);
  expect((await rpc(host, 'usage.setSessionTitles', { titles: [{ sessionId, title: 'Desktop planning' }] })).status).toBe(200);
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  const top = app.getByRole('region', { name: 'Top conversations' });
  await expect(top).toContainText('Desktop planning');
  await expect(top).not.toContainText(sessionId);
  // Not stored in this browser, so not a link to a conversation that would not open here.
  await expect(top.getByRole('link', { name: 'Desktop planning' })).toHaveCount(0);
  await expect(app.getByRole('region', { name: 'Calls' })).toContainText('Desktop planning');
});
