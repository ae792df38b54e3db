import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, fakeOpenAiKey, nav, rpcOk, screenshotWholePage, test, type FakeProviderServer, type Host } from './fixtures.js';

// Agents, tools and MCP in the real UI (Chromium) against the real core and the fake providers.

const SHOTS = process.env.SHOTS_DIR ?? 'tests/e2e/screenshots';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;

async function shots(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await screenshotWholePage(page, join(SHOTS, `${name}-${size.width}x${size.height}.png`));
  }
  await page.setViewportSize(SIZES[0]);
}

async function addOpenAiKey(host: Host, fake: FakeProviderServer): Promise<string> {
  return (await rpcOk<{ id: string }>(host, 'keys.add', { provider: 'openai', label: 'Work', secret: fakeOpenAiKey(), baseUrl: fake.baseUrls.openai, skipTest: true })).id;
}

async function send(page: Page, text: string): Promise<void> {
  await expect(page.locator('dialog[open]')).toHaveCount(0);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Starts a conversation with an agent from the Agents page ("Chat"), keeping the agent's own model choice. */
async function chatWithAgent(page: Page, name: string): Promise<void> {
  await nav(page).getByRole('link', { name: 'Agents' }).click();
  await page.locator(`li[data-agent="${name}"]`).getByRole('button', { name: 'Chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await expect(dialog.getByLabel('Agent', { exact: true })).toHaveValue(/.+/);
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/conversations\//);
}

test('creating an agent: name, instructions, a power level compared side by side with live prices, and a tool', async ({ app, host, fake }) => {
  await addOpenAiKey(host, fake);
  await nav(app).getByRole('link', { name: 'Agents' }).click();
  await expect(app.getByRole('heading', { name: 'Agents', level: 1 })).toBeVisible();
  await expect(app.locator('li[data-agent="Assistant"]')).toContainText('Balanced level · GPT-5.4 mini (OpenAI)');
  await shots(app, 'agents-page');

  await app.getByRole('button', { name: 'New agent' }).click();
  const dialog = app.getByRole('dialog', { name: 'New agent' });
  await dialog.getByLabel('Name', { exact: true }).fill('Math tutor');
  await dialog.getByLabel('Instructions').fill('Explain each step. Use the calculator for arithmetic.');
  // The three levels side by side, each with the model it would use, its price and the next turn's cost.
  const levels = dialog.getByRole('radiogroup', { name: 'Power level' });
  await expect(levels.locator('[data-level="eco"]')).toContainText('GPT-5 Nano');
  await expect(levels.locator('[data-level="balanced"]')).toContainText('GPT-5.4 mini');
  await expect(levels.locator('[data-level="precision"]')).toContainText('GPT-5.5');
  await expect(levels.locator('[data-level="precision"]')).toContainText('$5.00 in · $30.00 out');
  await expect(levels.locator('[data-level="eco"]')).toContainText('Next turn:');
  await levels.getByRole('radio', { name: /Eco/ }).check();
  await dialog.getByRole('checkbox', { name: /Calculator/ }).check();
  await shots(app, 'agent-editor');
  await dialog.getByRole('button', { name: 'Create agent' }).click();
  await expect(dialog).toBeHidden();
  const card = app.locator('li[data-agent="Math tutor"]');
  await expect(card).toContainText('Eco level · GPT-5 Nano (OpenAI)');
  await expect(card).toContainText('Tools: Calculator');

  // Saved in the core, where the router reads it.
  const { agents } = await rpcOk<{ agents: Array<{ name: string; powerLevel?: string; tools: string[]; instructions: string }> }>(host, 'agents.list', {});
  expect(agents.find((a) => a.name === 'Math tutor')).toMatchObject({ powerLevel: 'eco', tools: ['builtin:calculator'], instructions: 'Explain each step. Use the calculator for arithmetic.' });

  // Starting a conversation shows the levels with live numbers; the agent's level is chosen.
  await card.getByRole('button', { name: 'Chat' }).click();
  const start = app.getByRole('dialog', { name: 'New conversation' });
  await expect(start.getByRole('radio', { name: /Eco/ })).toBeChecked();
  await expect(start.locator('[data-level="eco"]')).toContainText('Next turn:');
  await shots(app, 'new-conversation-agent');
  await start.getByRole('button', { name: 'Cancel' }).click();
});

test('a tool call asks first, runs once allowed, shows name, arguments, result and time, and is kept after a reload', async ({ app, host, fake }) => {
  await addOpenAiKey(host, fake);
  await rpcOk(host, 'agents.save', { name: 'Calc', powerLevel: 'eco', tools: ['builtin:calculator'] });
  await chatWithAgent(app, 'Calc');
  await send(app, 'What is 6 times 7? [[tool:calculator]]');
  const card = app.locator('section.tool-card[data-tool="calculator"]').first();
  await expect(card).toHaveAttribute('data-status', 'awaiting-approval');
  await expect(card).toContainText('"expression": "6*7"');
  await expect(app.getByRole('status').filter({ hasText: 'Waiting for you to allow a tool' })).toBeVisible();
  await shots(app, 'tool-call-approval');
  await card.getByRole('checkbox', { name: /Allow calculator for the rest of this conversation/ }).check();
  await card.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(card).toHaveAttribute('data-status', 'ok');
  await card.getByText('Result').click();
  await expect(card).toContainText('6*7 = 42');
  const answer = app.locator('article.message-assistant').last();
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer).toContainText('Thanks, the tool answered: "6*7 = 42"');
  await shots(app, 'tool-call-done');

  // Allowed for the session: the next call runs without asking.
  await send(app, 'And again? [[tool:calculator]]');
  const second = app.locator('article.message-assistant').nth(1);
  await expect(second).toHaveAttribute('data-status', 'done');
  await expect(second.locator('section.tool-card')).toHaveAttribute('data-status', 'ok');

  // Two model calls per turn, each its own ledger row with its step and the agent's name and level.
  const { records } = await rpcOk<{ records: Array<{ step?: number; agent: string; powerLevel?: string }> }>(host, 'usage.records', {});
  expect(records.map((r) => [r.agent, r.powerLevel, r.step]).reverse()).toEqual([
    ['Calc', 'eco', 1],
    ['Calc', 'eco', 2],
    ['Calc', 'eco', 1],
    ['Calc', 'eco', 2],
  ]);

  await app.reload();
  await expect(app.locator('section.tool-card[data-status="ok"]')).toHaveCount(2);

  // Usage stacked by power level (and by agent: the existing "Agent" choice).
  await nav(app).getByRole('link', { name: 'Usage' }).click();
  await app.getByRole('group', { name: 'Stack by' }).getByRole('button', { name: 'Power level' }).click();
  await expect(app.getByRole('group', { name: 'Stack by' }).getByRole('button', { name: 'Power level' })).toHaveAttribute('aria-pressed', 'true');
  await expect(app.locator('main')).toContainText('Eco');
  await shots(app, 'usage-by-level');
});

test('denying a tool call: the model is told and answers without it', async ({ app, host, fake }) => {
  await addOpenAiKey(host, fake);
  await rpcOk(host, 'agents.save', { name: 'Clock', powerLevel: 'balanced', tools: ['builtin:current_time'] });
  await chatWithAgent(app, 'Clock');
  await send(app, 'What time is it? [[tool]]');
  const card = app.locator('section.tool-card').first();
  await card.getByRole('button', { name: 'Don’t run' }).click();
  await expect(card).toHaveAttribute('data-status', 'denied');
  await expect(app.locator('article.message-assistant').last()).toContainText('The tool was not run');
});

test('an MCP server added in Settings → Tools lists its tools, and its tool is called from a conversation', async ({ app, host, fake }) => {
  await addOpenAiKey(host, fake);
  await nav(app).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('link', { name: 'Tools' }).click();
  await expect(app.getByRole('heading', { name: 'Built-in tools' })).toBeVisible();

  await app.getByRole('textbox', { name: 'Add an address' }).fill('https://example.com/docs/');
  await app.getByRole('button', { name: 'Allow' }).click();
  await expect(app.getByRole('list', { name: 'Allowed addresses' })).toContainText('https://example.com/docs/');

  await app.getByRole('button', { name: 'Add server' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add an MCP server' });
  await dialog.getByLabel('Name', { exact: true }).fill('Test tools');
  await dialog.getByLabel('Command').fill('node');
  await dialog.getByLabel('Arguments').fill(['--import', 'tsx', join(process.cwd(), 'tests/mcp-server/server.ts')].join('\n'));
  await dialog.getByRole('button', { name: 'Add environment variable' }).click();
  await dialog.getByLabel('Environment variables 1 name').fill('TEST_TOKEN');
  await dialog.getByLabel('Environment variables 1 value').fill('mcp-e2e-secret-value-123456');
  await shots(app, 'mcp-add-dialog');
  await dialog.getByRole('button', { name: 'Connect and add' }).click();
  await expect(dialog).toBeHidden({ timeout: 45_000 });
  const server = app.locator('li[data-server="Test tools"]');
  await expect(server).toContainText('connected');
  await expect(server.getByRole('list', { name: 'Tools of Test tools' })).toContainText('echo — Repeats the text it is given.');
  await expect(server).toContainText('env: TEST_TOKEN');
  await expect(app.locator('body')).not.toContainText('mcp-e2e-secret-value-123456');
  await shots(app, 'settings-tools');

  // An agent that may use the server's echo tool, chosen in the editor.
  await nav(app).getByRole('link', { name: 'Agents' }).click();
  await app.getByRole('button', { name: 'New agent' }).click();
  const editor = app.getByRole('dialog', { name: 'New agent' });
  await editor.getByLabel('Name', { exact: true }).fill('Echo agent');
  await editor.getByRole('group', { name: 'MCP · Test tools' }).getByRole('checkbox', { name: /echo/ }).check();
  await editor.getByRole('button', { name: 'Create agent' }).click();
  await expect(editor).toBeHidden();

  await chatWithAgent(app, 'Echo agent');
  await send(app, 'Say it back [[tool:echo]]');
  const card = app.locator('section.tool-card[data-tool="echo"]');
  await card.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(card).toHaveAttribute('data-status', 'ok');
  await expect(app.locator('article.message-assistant').last()).toContainText('echo: example');
  await shots(app, 'mcp-tool-in-conversation');
});
