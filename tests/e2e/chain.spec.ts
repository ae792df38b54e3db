import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { addKey, answers, newConversation, send, shootBothSizes } from './chat-helpers.js';
import { expect, fakeOpenAiKey, nav, rpcOk, test, type FakeProviderServer } from './fixtures.js';

// Issue 11 items 3, 4, 5 and 9, as a user sees them: retries, key failovers and fallbacks told apart;
// limit refusals that agree with their attempts and fall over; the wait for a first token shown live,
// with a way to skip to the next model.

const SHOTS = process.env.CHAIN_SHOTS ?? 'tests/e2e/screenshots';

// Each test runs two or three turns with the router's real retry backoff and takes screenshots at two sizes.
test.describe.configure({ timeout: 120_000 });

async function chatRequests(fake: FakeProviderServer): Promise<Array<{ path: string }>> {
  const res = (await (await fetch(`${fake.url}/_requests?limit=100`)).json()) as { requests: Array<{ path: string }> };
  return res.requests.filter((r) => r.path.endsWith('/chat/completions') || r.path.endsWith('/messages'));
}

test('retries, a key failover and a fallback are labelled apart under the answer, in Usage → Calls and in the CSV', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Broken', fakeOpenAiKey('-invalid'));
  await addKey(host, fake, 'openai', 'Backup');
  await addKey(host, fake, 'anthropic', 'Claude');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, key: 'Broken', fallback: 'Claude Haiku 4.5' });
  await send(app, 'Hello [[fault:500@openai]]');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(answer).toContainText('Hello from claude-haiku-4-5');

  // Broken is refused (401) → Backup (key failover) gets a 500 → three retries → the fallback answers.
  const toggle = answer.getByRole('button', { name: /Show attempts/ });
  await expect(toggle).toHaveText('Show attempts (6 requests)');
  await toggle.click();
  const items = answer.locator('.attempt-list li');
  await expect(items).toHaveCount(6);
  expect(await items.evaluateAll((li) => li.map((x) => x.getAttribute('data-kind')))).toEqual(['first', 'key-failover', 'retry', 'retry', 'retry', 'fallback']);
  await expect(items.nth(1)).toContainText('key Backup · key failover, try 2');
  await expect(items.nth(2)).toContainText('retry, try 3');
  await expect(items.nth(5)).toContainText('Fallback 1: Anthropic');
  for (let i = 0; i < 5; i++) await expect(items.nth(i)).not.toContainText('Fallback');
  await shootBothSizes(app, SHOTS, 'chain-attempts');

  // Usage → Calls: one row per request, each saying why it was made.
  await nav(app).getByRole('link', { name: 'Usage', exact: true }).click();
  const calls = app.getByRole('region', { name: 'Calls', exact: true });
  const rows = calls.getByTestId('usage-call');
  await expect(rows).toHaveCount(6);
  // Newest first.
  expect(await rows.evaluateAll((tr) => tr.map((x) => x.getAttribute('data-kind')))).toEqual(['fallback', 'retry', 'retry', 'retry', 'key-failover', 'first']);
  await expect(rows.nth(0).locator('.call-kind')).toHaveText('fallback');
  await expect(rows.nth(1).locator('.call-kind')).toHaveText('retry, try 5');
  await expect(rows.nth(4).locator('.call-kind')).toHaveText('key failover from Broken');
  await expect(rows.nth(5).locator('.call-kind')).toHaveCount(0);
  for (let i = 1; i < 6; i++) await expect(rows.nth(i)).not.toContainText('fallback');
  await shootBothSizes(app, SHOTS, 'chain-usage-calls', calls);

  // The CSV fills fallback_of for the fallback only; retries point at what they retry; the failover names the key it replaced.
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
  expect(parsed.map((r) => r.call_kind)).toEqual(['first', 'key-failover', 'retry', 'retry', 'retry', 'fallback']);
  expect(parsed.filter((r) => r.fallback_of !== '').map((r) => r.provider)).toEqual(['anthropic']);
  expect(parsed[5]!.fallback_of).toBe(parsed[4]!.id);
  expect(parsed.slice(2, 5).map((r) => r.retry_of)).toEqual([parsed[1]!.id, parsed[2]!.id, parsed[3]!.id]);
  expect(parsed[1]).toMatchObject({ replaced_key_label: 'Broken', retry_of: '', fallback_of: '' });
});

test('a provider’s daily limit falls over to the fallback; a refusal that ends the turn agrees with its attempts', async ({ app, host, fake }) => {
  fake.reset();
  await addKey(host, fake, 'openai', 'Work');
  await addKey(host, fake, 'anthropic', 'Claude');
  await rpcOk(host, 'limits.set', { dailyTokens: { provider: { openai: 50 } } });
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, fallback: 'Claude Haiku 4.5' });
  await send(app, 'Hello');
  const first = answers(app).first();
  await expect(first).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(first).toContainText('Hello from claude-haiku-4-5');
  await expect(first.locator('.message-note')).toContainText(/Answered by fallback 1 \(Anthropic claude-haiku-4-5\) because the daily token limit for OpenAI reached/);
  // OpenAI was never asked.
  expect((await chatRequests(fake)).map((r) => r.path)).toEqual([expect.stringMatching(/\/anthropic\//)]);
  await first.getByRole('button', { name: 'Show attempts (1 request, 1 refused by a limit)' }).click();
  const refused = first.locator('.attempt-list li').first();
  await expect(refused).toContainText('refused by a limit');
  await expect(refused).toContainText('LIMIT_EXCEEDED');
  await expect(refused).toContainText(/daily token limit for OpenAI/);
  await shootBothSizes(app, SHOTS, 'chain-limit-fallover');

  // Now OpenAI fails (500s) and Anthropic's own limit refuses: the turn ends on that limit, and says so with the same counts.
  await rpcOk(host, 'limits.set', { dailyTokens: { provider: { openai: null, anthropic: 50 } } });
  await send(app, 'Again [[fault:500@openai]]');
  const second = answers(app).nth(1);
  await expect(second).toHaveAttribute('data-status', 'error', { timeout: 30_000 });
  const error = second.getByRole('alert');
  await expect(error).toContainText('Limit reached');
  await expect(error).toContainText('LIMIT_EXCEEDED');
  await expect(error).toContainText(/daily token limit for Anthropic/);
  await expect(error).toContainText('(gave up after 4 requests, 1 refused by a limit)');
  const toggle = second.getByRole('button', { name: /Show attempts/ });
  await expect(toggle).toHaveText('Show attempts (4 requests, 1 refused by a limit)');
  await toggle.click();
  await expect(second.locator('.attempt-list li').last()).toContainText('refused by a limit');
  await shootBothSizes(app, SHOTS, 'chain-limit-refusal');
});

test('the wait for a first token shows live with a Skip button; skipping goes to the fallback, and a stall counts once', async ({ app, host, fake }) => {
  fake.reset();
  await addKey(host, fake, 'openai', 'Work');
  await addKey(host, fake, 'anthropic', 'Claude');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, fallback: 'Claude Haiku 4.5' });
  await send(app, 'Hello [[fault:stall@openai]]');
  const answer = answers(app).first();
  const status = answer.getByRole('status');
  await expect(status).toContainText('Waiting for gpt-4o-mini');
  await expect(status).toContainText('moves on after 30 s');
  // The count goes up while the user waits.
  await expect(answer.getByTestId('wait-seconds')).toHaveText('· 2 s', { timeout: 10_000 });
  const skip = answer.getByRole('button', { name: 'Skip to claude-haiku-4-5' });
  await expect(skip).toBeVisible();
  await shootBothSizes(app, SHOTS, 'chain-waiting-skip');
  await skip.click();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(answer).toContainText('Hello from claude-haiku-4-5');
  await expect(answer.locator('.message-note')).toContainText(/because you skipped gpt-4o-mini after \d+ s/);
  await answer.getByRole('button', { name: 'Show attempts (2 requests)' }).click();
  await expect(answer.locator('.attempt-list li').first()).toContainText('skipped by you');
  expect((await chatRequests(fake)).filter((r) => r.path.includes('/openai/'))).toHaveLength(1);

  // Alone in its chain there is nothing to skip to; a shorter first-token limit set in Settings ends the stall once.
  await nav(app).getByRole('link', { name: 'Settings', exact: true }).click();
  const panel = app.getByRole('region', { name: 'When a model is slow to start' });
  await expect(panel.getByLabel('Cloud providers')).toHaveValue('30');
  await expect(panel.getByLabel('Local and OpenAI-compatible servers')).toHaveValue('120');
  await panel.getByLabel('Cloud providers').fill('2');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toContainText('Between 5 and 900 seconds.');
  await panel.getByLabel('Cloud providers').fill('5');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('button', { name: 'Save' })).toBeDisabled();
  await app.locator('.toast button[aria-label="Dismiss"]').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
  await shootBothSizes(app, SHOTS, 'chain-settings-first-token', panel);
  expect((await rpcOk<{ firstTokenTimeoutSec: number }>(host, 'settings.get', {})).firstTokenTimeoutSec).toBe(5);

  fake.reset();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'Anyone there? [[fault:stall@openai]]');
  const alone = answers(app).first();
  await expect(alone.getByRole('status')).toContainText('gives up after 5 s');
  await expect(alone.getByRole('button', { name: /Skip to/ })).toHaveCount(0);
  await expect(alone).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  await expect(alone.getByRole('alert')).toContainText('TIMEOUT');
  await expect(alone.getByRole('alert')).toContainText('sent no answer within 5 s');
  expect(await chatRequests(fake)).toHaveLength(1);
});
