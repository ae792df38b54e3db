import type { Page } from '@playwright/test';
import { expect, launchHost, nav, test, type FakeProviderServer, type Host } from './fixtures.js';

// Online price updates on the Models page, against the fake server's copy of models.dev's api.json
// (tests/fake-providers/models-dev.ts: gpt-4o at 2.25 / 9, a new gpt-fake-online, ...).

async function openModels(page: Page, host: Host): Promise<void> {
  await page.goto(`${host.url}/#token=${host.token}`);
  await nav(page).getByRole('link', { name: 'Models', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
}

const fetches = async (fake: FakeProviderServer) => ((await (await fetch(`${fake.url}/_stats`)).json()) as { requests: Record<string, number> }).requests['GET /models.dev/api.json'] ?? 0;

test('Models page: prices update from models.dev only when allowed, say when and from where, and the table pages through hundreds of models', async ({ page, fake }) => {
  const { host, stop } = await launchHost({ env: { SWITCHBOARD_MODELS_DEV_URL: `${fake.url}/models.dev/api.json` } });
  try {
    fake.reset();
    await openModels(page, host);
    const source = page.getByTestId('price-source');
    await expect(source).toContainText(/Bundled models\.dev snapshot of \d{4}-\d{2}-\d{2} \(commit [0-9a-f]{7}\)/);
    const toggle = page.getByRole('switch', { name: 'Update prices daily from models.dev' });
    await expect(toggle).not.toBeChecked();
    expect(await fetches(fake)).toBe(0);
    const row = (provider: string, id: string) => page.locator(`[data-testid="catalog-model"][data-provider="${provider}"][data-model="${id}"]`);
    await page.getByRole('searchbox', { name: 'Search' }).fill('gpt-4o');
    await expect(row('openai', 'gpt-4o')).toContainText('$2.50');

    // Allowed with the keyboard: the download is applied at once.
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect(toggle).toBeChecked();
    await expect(source).toContainText(/models\.dev prices, updated online \d{4}-\d{2}-\d{2} \d{2}:\d{2}\./);
    await expect(source).toContainText(/3 models new or changed since the bundled models\.dev snapshot of \d{4}-\d{2}-\d{2} \(commit [0-9a-f]{7}\), which stays as the fallback\./);
    await expect(row('openai', 'gpt-4o')).toContainText('$2.25');
    await expect(row('openai', 'gpt-4o')).toContainText('$9.00');
    await page.getByRole('searchbox', { name: 'Search' }).fill('gpt fake online');
    await expect(row('openai', 'gpt-fake-online')).toContainText('$1.00');
    expect(await fetches(fake)).toBe(1);
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.screenshot({ path: 'tests/e2e/screenshots/models-prices-online.png' });

    // "Check now" fetches again and says so.
    await source.getByRole('button', { name: 'Check now' }).click();
    await expect(page.locator('.toast').filter({ hasText: 'Prices checked' })).toBeVisible();
    expect(await fetches(fake)).toBe(2);

    // Hundreds of models, a page at a time.
    const pager = page.getByRole('navigation', { name: 'Pages of models' });
    await expect(pager).toContainText(/Showing 1–50 of \d{3}/);
    const first = await page.getByTestId('catalog-model').first().getAttribute('data-model');
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect(pager).toContainText(/Showing 51–100 of \d{3}/);
    await expect(page.getByTestId('catalog-model')).toHaveCount(50);
    await expect(page.getByTestId('catalog-model').first()).not.toHaveAttribute('data-model', first ?? '');
    await page.getByLabel('Include deprecated').check();
    await expect(pager).toContainText('Showing 1–50 of');
    await expect(page.getByTestId('catalog-count')).not.toContainText('deprecated hidden');

    // Narrow windows scroll the table sideways; the edit button stays in reach.
    await page.setViewportSize({ width: 1024, height: 768 });
    const wrap = page.locator('.catalog-table-wrap');
    expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    const edit = page.getByTestId('catalog-model').first().getByRole('button', { name: /^Set price of / });
    await expect(edit).toBeInViewport();
    await page.screenshot({ path: 'tests/e2e/screenshots/models-prices-1024.png' });

    // Turned off: back to the bundled prices.
    await toggle.click();
    await expect(source).toContainText(/Bundled models\.dev snapshot/);
    await page.getByRole('searchbox', { name: 'Search' }).fill('gpt-4o');
    await expect(row('openai', 'gpt-4o')).toContainText('$2.50');
  } finally {
    await stop();
  }
});

test('Models page: a broken download keeps the bundled prices and says why', async ({ page, fake }) => {
  const { host, stop } = await launchHost({ env: { SWITCHBOARD_MODELS_DEV_URL: `${fake.url}/models.dev/api.json?fault=truncated` } });
  try {
    await openModels(page, host);
    await page.getByRole('switch', { name: 'Update prices daily from models.dev' }).click();
    const source = page.getByTestId('price-source');
    await expect(source).toContainText(/The check at \d{4}-\d{2}-\d{2} \d{2}:\d{2} failed: The answer from 127\.0\.0\.1:\d+ is not valid JSON .*previous prices stay in use/);
    await expect(source).toContainText(/Bundled models\.dev snapshot/);
    await page.getByRole('searchbox', { name: 'Search' }).fill('gpt-4o');
    await expect(page.locator('[data-testid="catalog-model"][data-provider="openai"][data-model="gpt-4o"]')).toContainText('$2.50');
    await page.screenshot({ path: 'tests/e2e/screenshots/models-prices-error.png' });
  } finally {
    await stop();
  }
});
