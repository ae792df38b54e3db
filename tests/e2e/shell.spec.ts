import { test, expect } from './fixtures.js';

test('a new user sees the getting-started steps', async ({ app }) => {
  await expect(app.getByRole('heading', { name: 'Welcome to Switchboard' })).toBeVisible();
  const steps = app.getByRole('list', { name: 'Getting started' });
  await expect(steps.getByRole('heading', { name: 'Add a provider key' })).toBeVisible();
  await expect(steps.getByRole('heading', { name: 'Start a conversation' })).toBeVisible();
  await expect(app.getByText('No conversations yet.')).toBeVisible();
  await app.screenshot({ path: 'tests/e2e/screenshots/empty-state.png' });

  await steps.getByRole('link', { name: 'Add a key in Settings' }).click();
  await expect(app).toHaveURL(/\/settings\/keys$/);
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
});

test('the token leaves the address bar and survives a reload', async ({ app, host }) => {
  await expect(app).toHaveURL(`${host.url}/`);
  expect(app.url()).not.toContain(host.token);
  await app.reload();
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(app.getByRole('heading', { name: 'Welcome to Switchboard' })).toBeVisible();
});

test('the About panel shows the version, the data folder and key protection', async ({ app, host }) => {
  await app.getByRole('link', { name: 'About' }).click();
  await expect(app).toHaveURL(/\/about$/);
  await expect(app.getByRole('heading', { name: 'About Switchboard' })).toBeVisible();
  await expect(app.getByTestId('data-dir')).toHaveText(host.dataDir);
  await expect(app.getByText(/0\.\d+\.\d+/).first()).toBeVisible();
  const protection = app.getByRole('region', { name: 'Key protection' });
  await expect(protection.getByText(/session/i).first()).toBeVisible();
});

test('deep links open the right page after a reload', async ({ app, host }) => {
  await app.goto(`${host.url}/usage`);
  await expect(app.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();
  await app.goto(`${host.url}/settings`);
  await expect(app).toHaveURL(/\/settings\/keys$/);
  await app.goto(`${host.url}/no/such/page`);
  await expect(app.getByRole('heading', { name: 'Nothing here' })).toBeVisible();
  await app.goBack();
  await expect(app).toHaveURL(/\/settings\/keys$/);
});

test('without a token the Connect screen explains where to find it', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Connect to Switchboard' })).toBeVisible();
  await expect(page.getByText('host-token', { exact: true }).first()).toBeVisible();

  await page.getByLabel('Access token').fill('not-the-right-token-but-long-enough');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByText(/did not accept this token/)).toBeVisible();

  await page.getByLabel('Access token').fill(`${host.token}\n`);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(await page.getByLabel('Access token').count()).toBe(0);
});

test('a token the host no longer accepts returns to the Connect screen', async ({ page, host }) => {
  await page.goto(`${host.url}/#token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`);
  await expect(page.getByRole('heading', { name: 'Connect to Switchboard' })).toBeVisible();
  await expect(page.getByText('This tab’s access has ended')).toBeVisible();
  const stored = await page.evaluate(() => sessionStorage.getItem('switchboard.hostToken'));
  expect(stored).toBeNull();
});

test('usage export downloads a CSV file with the token', async ({ app, host }) => {
  await app.goto(`${host.url}/usage`);
  await expect(app.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(path, 'utf8');
  expect(text.split(/\r?\n/)[0]).toMatch(/time|provider|model/i);
  await expect(app.locator('.toast', { hasText: 'Usage exported' })).toBeVisible();
});
