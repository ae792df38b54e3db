import type { Page } from '@playwright/test';
import { dumpClientStorage, expect, fakeOpenAiKey, launchHost, rpcOk, screenshotWholePage, test } from './fixtures.js';

/** Collects every /api/ answer and console line, to prove no secret ever comes back to the page. */
function watchPage(page: Page): { texts: string[]; settle(): Promise<void> } {
  const texts: string[] = [];
  const pending: Promise<unknown>[] = [];
  page.on('response', (res) => {
    if (!res.url().includes('/api/rpc/')) return;
    pending.push(res.text().then((t) => texts.push(t), () => undefined));
  });
  page.on('console', (msg) => texts.push(msg.text()));
  return { texts, settle: async () => void (await Promise.all(pending)) };
}

async function expectNoSecretInPage(page: Page, secrets: string[]): Promise<void> {
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  const storage = await dumpClientStorage(page);
  for (const s of secrets) {
    expect(html.includes(s), 'secret in the DOM').toBe(false);
    expect(storage.includes(s), 'secret in local/session storage or IndexedDB').toBe(false);
  }
}

test('add, test, see, and delete an OpenAI key; a refused key shows the hint; no secret leaks', async ({ app, fake }) => {
  const watch = watchPage(app);
  const secret = fakeOpenAiKey();
  const invalid = fakeOpenAiKey('-invalid');
  const last4 = secret.slice(-4);

  await app.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(app).toHaveURL(/\/settings\/keys$/);
  await expect(app.getByRole('heading', { name: 'Key protection' })).toBeVisible();
  await expect(app.getByText('Keys are kept for this session only').first()).toBeVisible();

  // --- add, with the format check as you type and a live test
  await app.getByRole('region', { name: 'OpenAI', exact: true }).getByRole('button', { name: 'Add OpenAI key' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add an OpenAI key' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('platform.openai.com', { exact: false }).first()).toBeVisible();
  const keyField = dialog.getByLabel('API key', { exact: true });
  await expect(keyField).toBeFocused();
  await keyField.fill('hello');
  await expect(dialog.getByText(/does not look like an OpenAI key/)).toBeVisible();
  await keyField.fill(secret);
  await expect(dialog.getByText('Looks like an OpenAI key.')).toBeVisible();
  await expect(keyField).toHaveAttribute('type', 'password');
  // The secret is never written into the DOM as an attribute, even while typing.
  expect(await app.evaluate(() => document.documentElement.outerHTML)).not.toContain(secret);

  await dialog.getByLabel('Label').fill('Work');
  const baseUrl = dialog.getByLabel('Base URL');
  await expect(baseUrl).toHaveValue('https://api.openai.com/v1');
  await baseUrl.fill(fake.baseUrls.openai);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByTestId('key-test-result')).toContainText('Connected');
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog).toBeHidden();

  const card = app.getByRole('region', { name: 'OpenAI', exact: true });
  const row = card.getByRole('listitem', { name: new RegExp(`Work …${last4}`) });
  await expect(row).toBeVisible();
  await expect(row.getByText(`…${last4}`)).toBeVisible();
  await expect(row.getByText('Working')).toBeVisible();
  await expect(row.getByText(/Tested just now/)).toBeVisible();
  await expectNoSecretInPage(app, [secret]);
  await screenshotWholePage(app, 'tests/e2e/screenshots/keys-page.png');

  // --- re-test an existing key
  await row.getByRole('button', { name: 'Test Work' }).click();
  await expect(row.getByText(/Connected in/)).toBeVisible();

  // --- a key the provider refuses: the test shows why, saving is refused with the core's message
  await card.getByRole('button', { name: 'Add OpenAI key' }).click();
  const second = app.getByRole('dialog', { name: 'Add an OpenAI key' });
  await second.getByLabel('API key', { exact: true }).fill(invalid);
  await second.getByLabel('Base URL').fill(fake.baseUrls.openai);
  await second.getByRole('button', { name: 'Test connection' }).click();
  const result = second.getByTestId('key-test-result');
  await expect(result).not.toContainText('Connected');
  await expect(result).toContainText(/key|refused|rejected|invalid/i);
  await second.getByRole('button', { name: 'Save key' }).click();
  await expect(result).toContainText(/refused|rejected|invalid|not accept/i);
  await expect(second).toBeVisible();
  await second.getByRole('button', { name: 'Cancel' }).click();
  await expect(second).toBeHidden();
  await expect(card.getByRole('listitem')).toHaveCount(1);

  // --- the audit log lists what happened, as a table
  await app.getByText('Credential activity').click();
  const table = app.getByRole('table');
  await expect(table.getByRole('cell', { name: 'Added' }).first()).toBeVisible();

  // --- delete, with a confirmation that says how many sessions ended
  await row.getByRole('button', { name: 'Delete Work' }).click();
  const confirm = app.getByRole('dialog', { name: 'Delete this key?' });
  await expect(confirm.getByText(`…${last4}`)).toBeVisible();
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(confirm).toBeHidden();
  const toast = app.locator('.toast', { hasText: 'Key deleted' });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText(/No conversation was using it|sessions? that used it/);
  await expect(app.getByRole('region', { name: 'OpenAI', exact: true }).getByRole('listitem')).toHaveCount(0);
  await expect(table.getByRole('cell', { name: 'Deleted' }).first()).toBeVisible();

  // --- nothing secret anywhere the page can reach
  await expectNoSecretInPage(app, [secret, invalid]);
  await watch.settle();
  for (const text of watch.texts) {
    expect(text.includes(secret) || text.includes(invalid), 'secret in an API answer or console line').toBe(false);
  }
});

test('another provider’s key pasted in a form is recognised, with a switch; pasted spaces are trimmed, not refused', async ({ app, fake }) => {
  const anthropicKey = `sk-ant-api03-${fakeOpenAiKey().slice(8)}`;
  await app.getByRole('link', { name: 'Settings', exact: true }).click();
  await app.getByRole('region', { name: 'OpenAI', exact: true }).getByRole('button', { name: 'Add OpenAI key' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add an OpenAI key' });
  const keyField = dialog.getByLabel('API key', { exact: true });
  await keyField.fill(`  ${anthropicKey}  `);
  await expect(dialog.getByText('This looks like an Anthropic key (it starts with sk-ant-), not an OpenAI key.')).toBeVisible();
  await expect(dialog.getByText(/Looks like an OpenAI key/)).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Switch to Anthropic' }).click();
  const anthropic = app.getByRole('dialog', { name: 'Add an Anthropic key' });
  await expect(anthropic.getByText('Looks like an Anthropic key.')).toBeVisible();
  await anthropic.getByLabel('Base URL').fill(fake.baseUrls.anthropic);
  await anthropic.getByRole('button', { name: 'Save key' }).click();
  await expect(anthropic).toBeHidden();
  // Saved as the key, without the spaces it was pasted with.
  await expect(app.getByRole('region', { name: 'Anthropic', exact: true }).getByText(`…${anthropicKey.slice(-4)}`)).toBeVisible();

  // DeepSeek: a key that starts with sk- but has a dash after it is told exactly that.
  await app.getByRole('region', { name: 'DeepSeek', exact: true }).getByRole('button', { name: 'Add DeepSeek key' }).click();
  const deepseek = app.getByRole('dialog', { name: 'Add a DeepSeek key' });
  await deepseek.getByLabel('API key', { exact: true }).fill(fakeOpenAiKey());
  await expect(deepseek.getByText('It starts with sk- as DeepSeek keys do, but after that a DeepSeek key has only letters and digits; this one also has - or _.')).toBeVisible();
});

test('rotate and edit a key; a new base URL takes the key again', async ({ app, fake, host }) => {
  const first = fakeOpenAiKey();
  const next = fakeOpenAiKey();
  await app.goto(app.url().replace(/\/$/, '') + '/settings/keys');
  await app.getByRole('button', { name: 'Add OpenAI key' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add an OpenAI key' });
  await dialog.getByLabel('API key', { exact: true }).fill(first);
  await dialog.getByLabel('Label').fill('Personal');
  await dialog.getByLabel('Base URL').fill(fake.baseUrls.openai);
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog).toBeHidden();

  const card = app.getByRole('region', { name: 'OpenAI', exact: true });
  const row = card.getByRole('listitem').first();
  await expect(row.getByText(`…${first.slice(-4)}`)).toBeVisible();

  await row.getByRole('button', { name: 'Rotate Personal' }).click();
  const rotate = app.getByRole('dialog', { name: 'Rotate “Personal”' });
  await rotate.getByLabel('New API key').fill(next);
  await rotate.getByRole('button', { name: 'Test connection' }).click();
  await expect(rotate.getByTestId('key-test-result')).toContainText('Connected');
  await rotate.getByRole('button', { name: 'Replace key' }).click();
  await expect(rotate).toBeHidden();
  await expect(row.getByText(`…${next.slice(-4)}`)).toBeVisible();

  await row.getByRole('button', { name: 'Edit Personal' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit “Personal”' });
  await edit.getByLabel('Label').fill('Side project');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(card.getByText('Side project')).toBeVisible();

  // A new address sends the key to another server: the dialog asks for the key again and says why.
  const elsewhere = fake.baseUrls.openai.replace('127.0.0.1', 'localhost');
  await row.getByRole('button', { name: 'Edit Side project' }).click();
  const move = app.getByRole('dialog', { name: 'Edit “Side project”' });
  await expect(move.getByTestId('key-reentry')).toHaveCount(0);
  await move.getByLabel('Base URL').fill(elsewhere);
  const reentry = move.getByTestId('key-reentry');
  await expect(reentry).toContainText('Enter the key again to use a new address');
  await expect(reentry).toContainText(new URL(elsewhere).origin);
  await move.getByRole('button', { name: 'Save changes' }).click();
  await expect(move.getByText('Enter the key to send it to the new address.')).toBeVisible();
  await move.getByLabel('API key', { exact: true }).fill(next);
  await move.getByRole('button', { name: 'Save changes' }).click();
  await expect(move).toBeHidden();
  const keys = await rpcOk<{ keys: Array<{ label: string; baseUrl?: string }> }>(host, 'keys.list', {});
  expect(keys.keys.find((k) => k.label === 'Side project')?.baseUrl).toBe(elsewhere);

  await expectNoSecretInPage(app, [first, next]);
});

test('key failover is a setting that sticks', async ({ app, host }) => {
  await app.goto(`${host.url}/settings/keys`);
  const toggle = app.getByRole('switch', { name: 'Key failover' });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await app.reload();
  await expect(app.getByRole('switch', { name: 'Key failover' })).not.toBeChecked();
});

test('a key from the environment is shown read-only and counts as set up', async ({ page, fake }) => {
  const envKey = fakeOpenAiKey();
  const launched = await launchHost({ env: { OPENAI_API_KEY: envKey, OPENAI_BASE_URL: fake.baseUrls.openai } });
  try {
    await page.goto(`${launched.host.url}/#token=${launched.host.token}`);
    const steps = page.getByRole('list', { name: 'Getting started' });
    await expect(steps.getByRole('heading', { name: /Add a provider key \(done\)/ })).toBeAttached();

    await page.goto(`${launched.host.url}/settings/keys`);
    const card = page.getByRole('region', { name: 'OpenAI', exact: true });
    const row = card.getByRole('listitem').first();
    await expect(row.getByText('from environment')).toBeVisible();
    await expect(row.getByText(`…${envKey.slice(-4)}`)).toBeVisible();
    await expect(row.getByText('OPENAI_API_KEY')).toBeVisible();
    await expect(row.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
    await expect(row.getByRole('button', { name: /^Rotate/ })).toHaveCount(0);
    await row.getByRole('button', { name: /^Test/ }).click();
    await expect(row.getByText(/Connected in/)).toBeVisible();
    await expectNoSecretInPage(page, [envKey]);
  } finally {
    await launched.stop();
  }
});
