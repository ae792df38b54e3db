import { addKey, answers, newConversation, send } from './chat-helpers.js';
import { expect, launchHost, nav, rpcOk, test } from './fixtures.js';

// What a first walk through the app found: forms that showed the contract's raw wording or dropped a
// typo without a word, two options that read alike, and a lost host told twice over.

test('the agent editor explains a wrong value under its field, in plain words', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await nav(app).getByRole('link', { name: 'Agents' }).click();
  await app.getByRole('button', { name: 'New agent' }).click();
  const dialog = app.getByRole('dialog', { name: 'New agent' });
  const create = dialog.getByRole('button', { name: 'Create agent' });

  await create.click();
  await expect(dialog.getByText('An agent needs a name')).toBeVisible();
  await expect(dialog).not.toContainText('Invalid agents.save request');

  await dialog.getByLabel('Name', { exact: true }).fill('Tutor');
  const temperature = dialog.getByLabel('Temperature');
  await temperature.fill('-5');
  await create.click();
  await expect(dialog.getByText('A number from 0 to 2')).toBeVisible();
  await expect(dialog).not.toContainText('Invalid agents.save request');
  await expect(dialog).not.toContainText('expected number');

  // A typo used to be sent as "no temperature": the agent was saved without it and without a word.
  await temperature.fill('0,7');
  await create.click();
  await expect(dialog.getByText('Enter a number, or leave it empty.')).toBeVisible();
  await expect(dialog).toBeVisible();

  await temperature.fill('0.7');
  await create.click();
  await expect(dialog).toBeHidden();
  await expect(app.locator('li[data-agent="Tutor"]')).toBeVisible();
});

test('Settings → Tools: MCP server and address errors read as sentences, and a typo in the time limit is caught', async ({ app }) => {
  await nav(app).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('link', { name: 'Tools', exact: true }).click();

  const address = app.getByLabel('Add an address');
  await address.fill('not a url');
  await app.getByRole('button', { name: 'Allow', exact: true }).click();
  await expect(app.getByText(/^An http:\/\/ or https:\/\/ address/)).toBeVisible();
  await expect(app.locator('main')).not.toContainText('Invalid settings.set request');

  await app.getByRole('button', { name: 'Add server' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add an MCP server' });
  const submit = dialog.getByRole('button', { name: 'Connect and add' });
  await submit.click();
  await expect(dialog.getByText('A server needs a name')).toBeVisible();
  await expect(dialog).not.toContainText('Invalid mcp.add request');

  // "abc" seconds used to be dropped, so the server was added with the default time limit.
  await dialog.getByLabel('Name').fill('tools');
  await dialog.getByLabel('Command').fill('node');
  await dialog.getByLabel('Time limit per call (seconds)').fill('abc');
  await submit.click();
  await expect(dialog.getByText('Enter a number of seconds, more than 0.')).toBeVisible();
  await dialog.getByLabel('Time limit per call (seconds)').fill('0.5');
  await submit.click();
  await expect(dialog.getByText('At least 1 second')).toBeVisible();
  await expect(dialog).not.toContainText('expected number');
});

test('the fallback list never shows two models under the same name', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await addKey(host, fake, 'anthropic', 'Personal');
  await app.reload();
  await nav(app).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByRole('region', { name: 'OpenAI', exact: true }).getByRole('radio', { name: /^GPT-4o mini/ }).check();
  const groups = await dialog
    .getByLabel(/If it fails, try/)
    .locator('optgroup')
    .evaluateAll((els) => els.map((g) => ({ provider: g.getAttribute('label'), labels: [...g.querySelectorAll('option')].map((o) => o.textContent ?? '') })));
  const anthropic = groups.find((g) => g.provider === 'Anthropic');
  expect(anthropic?.labels).toContain('Claude Haiku 4.5');
  // Claude Haiku 4.5 is listed as its alias and as its dated snapshot: the second names its id.
  expect(anthropic?.labels).toContain('Claude Haiku 4.5 (claude-haiku-4-5-20251001)');
  for (const g of groups) expect(g.labels.length, `${g.provider} options`).toBe(new Set(g.labels).size);
});

test('when the host goes away mid-answer, the turn says so once, with what to do once', async ({ page, fake }) => {
  const { host, stop } = await launchHost();
  try {
    await addKey(host, fake, 'openai', 'Work');
    await page.goto(`${host.url}/#token=${host.token}`);
    await newConversation(page, { model: /^GPT-4o mini/ });
    await send(page, 'A slow story [[delay:400]]');
    const answer = answers(page).first();
    await expect(answer).toContainText('Hello from gpt-4o-mini');
    await stop();
    const error = answer.getByRole('alert');
    await expect(error).toContainText('Cannot reach the Switchboard host.', { timeout: 15_000 });
    const text = await error.innerText();
    expect(text.match(/still running/g) ?? []).toHaveLength(1);
  } finally {
    await stop();
  }
});

test('importing a file that is no agents export says so in one sentence, not key by key', async ({ app }) => {
  await nav(app).getByRole('link', { name: 'Agents' }).click();
  const input = app.getByLabel('Agent file to import');
  const packageJson = { name: 'switchboard', version: '0.1.0', private: true, type: 'module', scripts: { start: 'node x' }, dependencies: {} };
  await input.setInputFiles({ name: 'package.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(packageJson)) });
  const toast = app.getByText(/package\.json is not an agents file/);
  await expect(toast).toBeVisible();
  await expect(app.locator('body')).not.toContainText('Unrecognized keys');

  await input.setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "switchboard-agents", "agen') });
  await expect(app.getByText('cut.json is not valid JSON (it may be cut short or not a JSON file).')).toBeVisible();
});

test('a refused agent at 1024×768 brings the field with the problem into view', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 768 });
  await nav(app).getByRole('link', { name: 'Agents' }).click();
  await app.getByRole('button', { name: 'New agent' }).click();
  const dialog = app.getByRole('dialog', { name: 'New agent' });
  // Scrolled down to the tools, the name field is out of view: "Create agent" used to seem to do nothing.
  await dialog.getByRole('checkbox', { name: /Calculator/ }).check();
  await dialog.getByRole('button', { name: 'Create agent' }).click();
  const name = dialog.getByLabel('Name', { exact: true });
  await expect(name).toBeFocused();
  await expect(name).toBeInViewport();
  await expect(dialog.getByText('An agent needs a name')).toBeInViewport();
});

test('Usage with an end date before the start shows no totals beside the error (they were the previous range’s)', async ({ app, host, fake }) => {
  const keyId = await addKey(host, fake, 'openai', 'Work');
  await rpcOk(host, 'chat.send', { sessionId: crypto.randomUUID(), target: { keyId, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'Hello' }], params: { maxTokens: 64 }, stream: false });
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  await expect(app.getByTestId('total-calls')).toContainText('1');
  await app.getByRole('button', { name: 'Custom', exact: true }).click();
  await app.getByLabel('From', { exact: true }).fill('2026-12-10');
  await app.getByLabel('To', { exact: true }).fill('2026-12-01');
  await expect(app.getByText('The end date is before the start date.')).toBeVisible();
  await expect(app.getByRole('heading', { name: 'No valid date range' })).toBeVisible();
  await expect(app.getByTestId('total-calls')).toHaveCount(0);
  await expect(app.getByRole('region', { name: 'Top models' })).toHaveCount(0);
  await expect(app.getByText('Choose a valid date range.')).toBeVisible();
});

test('a toast never covers the composer’s Send button', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'first conversation');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  const doomed = app.url();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'second conversation');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  expect(app.url()).not.toBe(doomed);

  // Deleting the other conversation from the sidebar toasts while this one's composer is on screen.
  const sidebar = app.getByRole('navigation', { name: 'Main' });
  await sidebar.getByRole('button', { name: /^Delete “first conversation/ }).click();
  await app.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete conversation' }).click();
  const toast = app.locator('.toast').filter({ hasText: 'Conversation deleted' });
  await expect(toast).toBeVisible();
  await app.getByRole('textbox', { name: 'Message' }).fill('still here');
  const a = (await toast.boundingBox())!;
  const b = (await app.getByRole('button', { name: 'Send' }).boundingBox())!;
  const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  expect(overlap, 'the toast overlaps Send').toBe(false);
});
