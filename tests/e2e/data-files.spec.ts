import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, launchHost, nav, rpc, test } from './fixtures.js';

const SHOTS = process.env.SB_SHOTS_DIR;

// A data folder with a cut-short settings.json and a usage.db that is no database: the app starts,
// says which files and what was kept, refuses chat until the user moves the ledger aside.
test('damaged files are named in the app, and the damaged ledger is moved aside only when the user says so', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-damaged-'));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), '{"settings":{"keyFailover":false,"credentialChangesPe');
  const garbage = 'definitely not a SQLite file '.repeat(40);
  writeFileSync(join(dataDir, 'usage.db'), garbage);
  const { host, stop } = await launchHost({ dataDir });
  try {
    await page.goto(`${host.url}/#token=${host.token}`);
    await expect(nav(page)).toBeVisible();
    const banner = page.getByRole('region', { name: 'Damaged files' });
    const ledger = banner.getByRole('alert').filter({ hasText: 'Damaged file: usage.db. Chat is paused' });
    await expect(ledger).toContainText('not a usable database (file is not a database)');
    await expect(ledger.getByRole('button', { name: 'Move aside and start a new ledger' })).toBeVisible();
    const settingsNotice = banner.getByRole('alert').filter({ hasText: 'Damaged file set aside: settings.json' });
    const keptAs = readdirSync(dataDir).find((f) => f.startsWith('settings.json.damaged-'))!;
    await expect(settingsNotice).toContainText(`kept as ${keptAs}`);
    await expect(settingsNotice).toContainText('Settings are back to their defaults');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `damaged-banner-${page.viewportSize()?.width}.png`) });

    // Chat is refused before any provider request, with the file named.
    const key = await rpc<{ id: string }>(host, 'keys.add', { provider: 'openai-compatible', secret: '', baseUrl: 'http://127.0.0.1:9/v1', skipTest: true });
    const chat = await rpc<{ error: { code: string; message: string } }>(host, 'chat.send', {
      sessionId: 's',
      target: { keyId: key.json.id, model: 'llama' },
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    });
    expect(chat.json.error.code).toBe('LEDGER_UNAVAILABLE');
    expect(chat.json.error.message).toContain(join(dataDir, 'usage.db'));

    // About lists both, with the same action.
    await nav(page).getByRole('link', { name: 'About' }).click();
    const card = page.getByTestId('data-files');
    await expect(card.getByText('Damaged file: usage.db. Chat is paused')).toBeVisible();
    await expect(card.getByText('Damaged file set aside: settings.json')).toBeVisible();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `damaged-about-${page.viewportSize()?.width}.png`), fullPage: true });

    // The user's choice: confirm, the ledger is kept beside, chat works again.
    await ledger.getByRole('button', { name: 'Move aside and start a new ledger' }).click();
    const confirm = page.getByRole('dialog', { name: 'Start a new usage ledger?' });
    await expect(confirm).toContainText('renamed, not deleted');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `damaged-confirm-${page.viewportSize()?.width}.png`) });
    await confirm.getByRole('button', { name: 'Move aside and start new' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.locator('.toast', { hasText: 'A new usage ledger is in use' })).toBeVisible();
    await expect(ledger).toHaveCount(0);
    const moved = readdirSync(dataDir).find((f) => /^usage\.db\.damaged-/.test(f))!;
    expect(readFileSync(join(dataDir, moved), 'utf8')).toBe(garbage);
    await expect(card.getByText('Damaged file set aside: usage.db')).toBeVisible();
    expect((await rpc(host, 'usage.records', {})).status).toBe(200);

    // A notice that stops nothing can be hidden for the session.
    await settingsNotice.getByRole('button', { name: 'Hide the notice about settings.json' }).click();
    await expect(settingsNotice).toHaveCount(0);
  } finally {
    await stop();
  }
});
