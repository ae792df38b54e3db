import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envWithoutProviderKeys } from '../helpers/env.js';
import { expect, test } from './fixtures.js';

// The team server's admin page in Chromium: the owner signs in with the token, adds a key (never
// shown again), picks the default model, adds a member with limits, and sees the member's usage.

interface Pg {
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

let pg: Pg;
let server: ChildProcess;
let url = '';
let owner = '';
let dataDir = '';
const SECRET = 'sk-proj-E2EADMINSECRET-0123456789abcdef';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const { startTestPostgres } = (await import('../helpers/postgres.js')) as { startTestPostgres(): Promise<Pg> };
  pg = await startTestPostgres();
  dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-team-'));
  server = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--data-dir', dataDir, '--database-url', await pg.newDatabase()], {
    env: envWithoutProviderKeys(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the team server did not start: ${out}`)), 60_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  owner = readFileSync(join(dataDir, 'owner-token'), 'utf8').trim();
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => server?.once('exit', r));
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the owner signs in, adds a key, picks the default model, adds a member with limits and sees their usage', async ({ page, fake }) => {
  const response = await page.goto(url + '/');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByRole('heading', { name: 'Sign in to the team server' })).toBeVisible();

  await page.getByLabel('Owner or admin token').fill('sbt_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The server did not accept this token')).toBeVisible();
  await page.getByLabel('Owner or admin token').fill(owner);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Team usage' })).toBeVisible();
  expect(page.url()).not.toContain(owner);

  // Keys: tested before saving, then shown by label and last four characters only.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
  await page.getByRole('button', { name: 'Add key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a team key' });
  await dialog.getByLabel('Key', { exact: true }).fill('sk-proj-wrong-key-000000000-invalid');
  await dialog.getByLabel('Base URL').fill(fake.baseUrls.openai);
  await dialog.getByRole('button', { name: 'Test and save' }).click();
  await expect(dialog.getByText(/did not work, so it was not saved/)).toBeVisible();
  await dialog.getByLabel('Key', { exact: true }).fill(SECRET);
  await dialog.getByLabel('Label').fill('Team OpenAI');
  await dialog.getByRole('button', { name: 'Test and save' }).click();
  await expect(dialog).toBeHidden();
  const keys = page.getByRole('table', { name: 'Team keys' });
  await expect(keys.getByRole('row', { name: /Team OpenAI/ })).toContainText('••••cdef');
  expect(await page.content()).not.toContain(SECRET.slice(8, -4));

  // Models: the default model.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByLabel('Default model').selectOption('openai/gpt-4o-mini');
  await page.getByRole('button', { name: 'Save models' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');

  // Members: a new member's token is shown once; limits are set in a dialog.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.getByRole('dialog', { name: 'Add a member' }).getByLabel('Name').fill('Grace Hopper');
  await page.getByRole('dialog', { name: 'Add a member' }).getByRole('button', { name: 'Add member' }).click();
  const tokenDialog = page.getByRole('dialog', { name: 'Token for Grace Hopper' });
  const memberToken = await tokenDialog.getByLabel('Token').inputValue();
  expect(memberToken).toMatch(/^sbt_/);
  await tokenDialog.getByRole('button', { name: 'Done' }).click();
  const row = page.getByRole('row', { name: /Grace Hopper/ });
  await row.getByRole('button', { name: 'Limits' }).click();
  const limits = page.getByRole('dialog', { name: 'Limits for Grace Hopper' });
  await limits.getByLabel('Daily tokens').fill('50000');
  await limits.getByLabel('Monthly budget (USD)').fill('abc');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByText('Enter an amount in USD')).toBeVisible();
  await limits.getByLabel('Monthly budget (USD)').fill('12.5');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits).toBeHidden();
  await expect(row).toContainText('of 50,000');
  await expect(row).toContainText('of $12.50');

  // The member calls the team's default model with an OpenAI-style request; the owner sees it.
  const chat = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hello [[usage:in=300,out=120]]' }] }),
  });
  expect(chat.status).toBe(200);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  const usageRow = page.getByRole('table', { name: 'Usage per member' }).getByRole('row', { name: /Grace Hopper/ });
  await expect(usageRow).toContainText('420');
  await expect(page.getByTestId('total-calls')).toContainText('1');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8');
  expect(csv.split('\r\n')[0]).toMatch(/^member_id,member_name,origin,/);
  expect(csv).toContain('Grace Hopper');
  expect(csv).not.toContain(SECRET);

  // The token lives in this tab's session storage only, and signing out forgets it.
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the team server' })).toBeVisible();
  expect(await page.evaluate(() => Object.values(sessionStorage).join(''))).not.toContain('sbt_');
});

test('the CSP blocks injected inline script and outside connections on the admin page', async ({ page }) => {
  await page.goto(url + '/');
  const html = await (await fetch(url + '/')).text();
  expect(html).not.toMatch(/<script>(?!<\/script>)/);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.append(s);
  });
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  const outside = await page.evaluate(async () => {
    try {
      await fetch('http://127.0.0.1:9/');
      return 'reached';
    } catch {
      return 'blocked';
    }
  });
  expect(outside).toBe('blocked');
});

test('a long member name wraps, so every row keeps its buttons in sight at 1024×768', async ({ page }) => {
  const long = 'Augusta Ada King, Countess of Lovelace, analyst of the engine';
  const r = await fetch(`${url}/api/admin/members`, { method: 'POST', headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: long }) });
  expect(r.status).toBe(201);
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(url + '/#members');
  await page.getByLabel('Owner or admin token').fill(owner);
  await page.keyboard.press('Enter');
  const table = page.getByRole('table', { name: 'Members' });
  await expect(table.getByRole('row', { name: new RegExp(long) })).toBeVisible();
  const wrap = (await page.locator('.table-wrap').boundingBox())!;
  for (const label of [`Remove ${long}`, `New token for ${long}`]) {
    const box = (await table.getByRole('button', { name: label }).boundingBox())!;
    expect([label, box.x + box.width <= wrap.x + wrap.width]).toEqual([label, true]);
  }
  expect(await page.locator('.table-wrap').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
});

test('the admin page works from the keyboard', async ({ page }) => {
  await page.goto(url + '/');
  await page.getByLabel('Owner or admin token').fill(owner);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Team usage' })).toBeVisible();
  const members = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' });
  for (let i = 0; i < 10 && !(await members.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(members).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
});
