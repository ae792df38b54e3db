import { dumpClientStorage, expect, fakeOpenAiKey, launchHost, test } from './fixtures.js';

test('set a passphrase, restart locked, unlock with it; the passphrase never reaches the page', async ({ page, fake }) => {
  const passphrase = `correct horse ${Math.random().toString(36).slice(2)}`;
  const secret = fakeOpenAiKey();
  const first = await launchHost();
  try {
    await page.goto(`${first.host.url}/settings/keys#token=${first.host.token}`);
    const panel = page.getByRole('region', { name: /Key protection/ });
    await expect(panel.getByText('Keys are kept for this session only')).toBeVisible();

    await panel.getByRole('button', { name: 'Set a passphrase' }).click();
    const dialog = page.getByRole('dialog', { name: 'Protect your keys with a passphrase' });
    await dialog.getByLabel('Passphrase', { exact: true }).fill('short');
    await dialog.getByLabel('Repeat the passphrase').fill('short');
    await dialog.getByRole('button', { name: 'Set passphrase' }).click();
    await expect(dialog.getByText(/at least 8 characters/)).toBeVisible();
    await dialog.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await dialog.getByLabel('Repeat the passphrase').fill(`${passphrase}x`);
    await dialog.getByRole('button', { name: 'Set passphrase' }).click();
    await expect(dialog.getByText('The two passphrases differ.')).toBeVisible();
    await dialog.getByLabel('Repeat the passphrase').fill(passphrase);
    await dialog.getByRole('button', { name: 'Set passphrase' }).click();
    await expect(dialog).toBeHidden();
    await expect(panel.getByText('Keys are saved, protected by your passphrase')).toBeVisible();

    await page.getByRole('button', { name: 'Add OpenAI key' }).click();
    const add = page.getByRole('dialog', { name: 'Add an OpenAI key' });
    await add.getByLabel('API key', { exact: true }).fill(secret);
    await add.getByLabel('Label').fill('Saved');
    await add.getByLabel('Base URL').fill(fake.baseUrls.openai);
    await add.getByRole('button', { name: 'Save key' }).click();
    await expect(add).toBeHidden();
    await expect(page.getByRole('listitem', { name: /Saved …/ })).toBeVisible();
  } finally {
    await first.stop({ keepData: true });
  }

  // Restarted without --passphrase-file: the saved keys are locked until the user unlocks them.
  const second = await launchHost({ dataDir: first.host.dataDir });
  try {
    await page.goto(`${second.host.url}/settings/keys#token=${second.host.token}`);
    const panel = page.getByRole('region', { name: /Key protection/ });
    await expect(panel.getByText('Locked', { exact: true })).toBeVisible();
    await expect(panel.getByText(/Your saved keys are locked/)).toBeVisible();
    const field = panel.getByLabel('Passphrase', { exact: true });
    await field.fill('wrong passphrase');
    await panel.getByRole('button', { name: 'Unlock keys' }).click();
    await expect(panel.locator('.field-message.is-error')).not.toBeEmpty();
    await field.fill(passphrase);
    await panel.getByRole('button', { name: 'Unlock keys' }).click();
    await expect(panel.getByText('Keys are saved, protected by your passphrase')).toBeVisible();
    await expect(page.getByRole('listitem', { name: /Saved …/ })).toBeVisible();

    const html = await page.evaluate(() => document.documentElement.outerHTML);
    const storage = await dumpClientStorage(page);
    for (const s of [passphrase, secret]) {
      expect(html.includes(s)).toBe(false);
      expect(storage.includes(s)).toBe(false);
    }
  } finally {
    await second.stop();
  }
});

test('a restarted host sends the tab back to the Connect screen', async ({ page }) => {
  const first = await launchHost();
  const port = Number(new URL(first.host.url).port);
  await page.goto(`${first.host.url}/#token=${first.host.token}`);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await first.stop({ keepData: true });
  await expect(page.getByText(/Reconnecting to the Switchboard host/)).toBeVisible();

  // Same address, new token: the event stream's reconnect is refused and the tab asks for the new token.
  const second = await launchHost({ dataDir: first.host.dataDir, port });
  try {
    await expect(page.getByRole('heading', { name: 'Connect to Switchboard' })).toBeVisible({ timeout: 45_000 });
    await expect(page.getByText('This tab’s access has ended')).toBeVisible();
    await page.getByLabel('Access token').fill(second.host.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  } finally {
    await second.stop();
  }
});
