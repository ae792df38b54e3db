import { mkdirSync, readFileSync } from 'node:fs';
import { filesUnder } from '../helpers/assert.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import type { FakeProviders } from '../fake-providers/index.js';
import { startTestTeam, type TestTeam } from '../helpers/team-server.js';
import { dumpClientStorage, expect, fakeOpenAiKey, nav, rpc, rpcOk, screenshotWholePage, test as base } from './fixtures.js';

/*
 * Settings → Team against the real team server (server/, in the test worker, on an embedded
 * PostgreSQL) with the fake providers behind it: connect, see budgets and models, chat with System
 * default through the team, share own-key usage, and never show or keep the member token.
 */

const SHOTS = process.env.TEAM_SHOTS ?? 'tests/e2e/screenshots';

const test = base.extend<{}, { team: TestTeam }>({
  team: [
    async ({ fake }, use) => {
      const pg: TestPostgres = await startTestPostgres();
      const team = await startTestTeam(pg, fake as unknown as FakeProviders);
      await team.api('PUT', '/api/admin/team', team.ownerToken, { name: 'Acme Research' });
      await team.openaiDefault([{ provider: 'openai', model: 'gpt-4.1-mini' }]);
      await use(team);
      await team.close();
      await pg.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

async function openTeamSettings(app: import('@playwright/test').Page) {
  await nav(app).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Team' }).click();
  await expect(app.getByRole('heading', { name: /Connect to a team server|Acme Research/ })).toBeVisible();
}

test('connect in Settings → Team, then chat with System default through the team', async ({ app, host, team }) => {
  const member = await team.member('Grace Hopper', { dailyTokens: 50_000, monthlyUsd: 2 });
  await openTeamSettings(app);

  // A wrong token is named under the token field, and nothing is kept.
  const url = app.getByLabel('Server URL');
  const token = app.getByLabel('Member token', { exact: true });
  await url.fill(team.url);
  await token.fill('sbm_wrong_token_00000000000000000000');
  await token.press('Enter');
  await expect(token).toHaveAttribute('aria-invalid', 'true');
  await expect(app.getByText(/did not accept this member token/)).toBeVisible();

  // Keyboard only: from the URL field, Tab to the token, paste, Enter.
  await url.focus();
  await app.keyboard.press('Tab');
  await expect(token).toBeFocused();
  await token.fill(member.token);
  await app.setViewportSize({ width: 1280, height: 800 });
  await app.keyboard.press('Enter');

  await expect(app.getByRole('heading', { name: 'Acme Research' })).toBeVisible();
  await expect(app.locator('.toast-title', { hasText: 'Connected as Grace Hopper' })).toBeVisible();
  await expect(app.locator('dl.facts').getByText('Grace Hopper')).toBeVisible();
  await expect(app.getByText(`…${member.token.slice(-4)}`)).toBeVisible();
  await expect(app.getByRole('meter', { name: 'Team · daily tokens' })).toBeVisible();
  await expect(app.getByRole('meter', { name: 'Team · monthly spend' })).toBeVisible();
  const models = app.getByRole('region', { name: 'Team models' });
  await expect(models.locator('dd').first()).toHaveText('OpenAI · gpt-4o-mini');
  await expect(models.getByRole('listitem')).toHaveText(['OpenAI · gpt-4.1-mini']);
  await expect(app.getByRole('switch', { name: 'Share the usage of my own keys with the team' })).toBeChecked();
  for (const field of ['id', 'time', 'provider', 'model', 'usage', 'costUsd']) await expect(app.locator('.team-shared-fields code', { hasText: new RegExp(`^${field}$`) })).toBeVisible();
  await expect(app.getByText(/Prompts, answers, conversation titles/)).toBeVisible();
  await screenshotWholePage(app, `${SHOTS}/team-settings-1280.png`);
  await app.setViewportSize({ width: 1024, height: 768 });
  await screenshotWholePage(app, `${SHOTS}/team-settings-1024.png`);
  await app.setViewportSize({ width: 1280, height: 800 });

  // The picker: System default is the team's model; the team's allowed models sit beside the member's own.
  await nav(app).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New conversation' });
  await expect(dialog.getByText(/The team's model: OpenAI · gpt-4o-mini/)).toBeVisible();
  const teamModels = dialog.getByRole('region', { name: 'Team models' });
  await expect(teamModels.getByRole('radio', { name: 'Team · openai/gpt-4.1-mini' })).toBeVisible();
  await app.screenshot({ path: `${SHOTS}/team-picker-1280.png` });
  await dialog.getByRole('radio', { name: /System default/ }).check();
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();

  const box = app.getByRole('textbox', { name: 'Message' });
  await box.fill('Hello team [[usage:in=40,out=12]]');
  await box.press('Enter');
  const answer = app.locator('article.message-assistant').last();
  await expect(answer.locator('.message-meta')).toContainText('gpt-4o-mini', { timeout: 20_000 });
  await app.screenshot({ path: `${SHOTS}/team-chat-1280.png` });

  // The server recorded the call for this member.
  const usage = await team.api('GET', '/api/admin/usage', team.ownerToken);
  const row = (usage.body.members as Array<{ id: string; server: { calls: number; tokens: number } }>).find((m) => m.id === member.id);
  expect(row?.server).toMatchObject({ calls: 1, tokens: 52 });

  // The token is nowhere: not in the page, client storage, the host's output, answers, or data files (the vault holds only ciphertext).
  await openTeamSettings(app);
  expect(await app.content()).not.toContain(member.token);
  expect(await dumpClientStorage(app)).not.toContain(member.token);
  expect(host.output()).not.toContain(member.token);
  const status = await rpc(host, 'team.status', { refresh: true });
  expect(JSON.stringify(status.json)).not.toContain(member.token);
  for (const f of filesUnder(host.dataDir)) expect(readFileSync(f).toString('latin1'), f).not.toContain(member.token);
});

test('own-key usage is shared on request, exactly the listed fields; sharing can be turned off', async ({ app, host, fake, team }) => {
  const member = await team.member('Alan Turing');
  await rpcOk(host, 'team.connect', { url: team.url, token: member.token });
  const key = await rpcOk<{ id: string }>(host, 'keys.add', { provider: 'openai', label: 'Mine', secret: fakeOpenAiKey(), baseUrl: fake.baseUrls.openai, skipTest: true });
  await rpcOk(host, 'chat.send', { sessionId: 'own', target: { keyId: key.id, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'mine [[usage:in=30,out=12]]' }] });

  await openTeamSettings(app);
  await app.getByRole('button', { name: 'Upload now' }).click();
  await expect(app.getByTestId('team-sync-state')).toContainText('Everything is uploaded');
  await expect(app.getByTestId('team-sync-state')).toContainText('1 call shared since you connected');
  const usage = await team.api('GET', '/api/admin/usage', team.ownerToken);
  const row = (usage.body.members as Array<{ id: string; synced: { tokens: number } }>).find((m) => m.id === member.id);
  expect(row?.synced.tokens).toBe(42);

  const sharing = app.getByRole('switch', { name: 'Share the usage of my own keys with the team' });
  await sharing.focus();
  await app.keyboard.press('Space');
  await expect(sharing).not.toBeChecked();
  await expect(app.getByTestId('team-sync-state')).toContainText('Sharing is off');
  const res = await rpcOk<{ uploaded: number; message: string }>(host, 'team.sync', {});
  expect(res.uploaded).toBe(0);
  expect(res.message).toMatch(/Sharing is off/);
  await app.setViewportSize({ width: 1024, height: 768 });
  await screenshotWholePage(app, `${SHOTS}/team-sharing-off-1024.png`);

  // Disconnect, confirmed; the connect form is back.
  await app.getByRole('button', { name: 'Disconnect' }).click();
  await app.getByRole('dialog', { name: 'Disconnect from the team?' }).getByRole('button', { name: 'Disconnect' }).click();
  await expect(app.getByRole('heading', { name: 'Connect to a team server' })).toBeVisible();
});

test('team budgets show like local limits: a warning past 80 %, and the server’s refusal in the chat', async ({ app, host, team }) => {
  const member = await team.member('Katherine Johnson', { dailyTokens: 100 });
  await rpcOk(host, 'team.connect', { url: team.url, token: member.token });
  // 85 of 100 tokens: a small answer allowance keeps the reservation within the budget.
  await rpcOk(host, 'chat.send', { sessionId: 'warm', target: { system: true }, params: { maxTokens: 50 }, messages: [{ role: 'user', content: 'x [[usage:in=40,out=45]]' }] });

  await openTeamSettings(app);
  await expect(app.getByRole('meter', { name: 'Team · daily tokens' })).toHaveAttribute('aria-valuenow', '85');
  await expect(app.getByText('A team budget is over 80%')).toBeVisible();
  await screenshotWholePage(app, `${SHOTS}/team-budget-warning-1280.png`);

  await nav(app).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByRole('radio', { name: /System default/ }).check();
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
  const box = app.getByRole('textbox', { name: 'Message' });
  await box.fill('One more please');
  await box.press('Enter');
  const refusal = app.locator('.turn-error');
  await expect(refusal).toContainText('LIMIT_EXCEEDED');
  await expect(refusal).toContainText(/daily/i);
  await expect(refusal.getByRole('link', { name: 'Team settings' })).toBeVisible();
  await app.setViewportSize({ width: 1024, height: 768 });
  await app.screenshot({ path: `${SHOTS}/team-refusal-1024.png` });
});
