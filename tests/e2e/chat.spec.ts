import type { Locator, Page } from '@playwright/test';
import { expect, fakeOpenAiKey, launchHost, rpcOk, test, type FakeProviderServer, type Host } from './fixtures.js';

const SHOTS = 'tests/e2e/screenshots';

async function addKey(host: Host, fake: FakeProviderServer, provider: 'openai' | 'anthropic', label: string, secret?: string): Promise<string> {
  const key = secret ?? (provider === 'openai' ? fakeOpenAiKey() : `sk-ant-test-${fakeOpenAiKey().slice(8)}`);
  const res = await rpcOk<{ id: string }>(host, 'keys.add', { provider, label, secret: key, baseUrl: fake.baseUrls[provider], skipTest: true });
  return res.id;
}

interface Recorded {
  path: string;
  body: { messages?: Array<{ role: string; content: string }>; temperature?: number; max_tokens?: number };
}

/** The chat requests the fake provider server received, oldest first. */
async function chatRequests(fake: FakeProviderServer): Promise<Recorded[]> {
  const res = (await (await fetch(`${fake.url}/_requests?limit=50`)).json()) as { requests: Recorded[] };
  return res.requests.filter((r) => r.path.endsWith('/chat/completions') || r.path.endsWith('/messages'));
}

async function fakeStats(fake: FakeProviderServer): Promise<{ requests: Record<string, number>; aborted: Record<string, number>; inFlight: number }> {
  return (await (await fetch(`${fake.url}/_stats`)).json()) as { requests: Record<string, number>; aborted: Record<string, number>; inFlight: number };
}

/** Opens "New conversation" and picks a model (and optionally a fallback) in the picker. */
async function newConversation(page: Page, options: { model: RegExp; provider?: string; agent?: string; fallback?: string; key?: string }): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await expect(dialog).toBeVisible();
  if (options.agent) await dialog.getByLabel('Agent or purpose').fill(options.agent);
  const group = dialog.getByRole('region', { name: options.provider ?? 'OpenAI', exact: true });
  if (options.key) {
    const select = group.getByLabel(`Key for ${options.provider ?? 'OpenAI'}`);
    const value = await select.locator('option', { hasText: options.key }).getAttribute('value');
    await select.selectOption(value ?? '');
  }
  await group.getByRole('radio', { name: options.model }).check();
  if (options.fallback) await dialog.getByLabel(/If it fails, try/).selectOption({ label: options.fallback });
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
}

function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

async function send(page: Page, text: string): Promise<void> {
  // While a modal is open the page behind it is inert: typing would go nowhere.
  await expect(page.locator('dialog[open]')).toHaveCount(0);
  const box = composer(page);
  await box.fill(text);
  await box.press('Enter');
}

function answers(page: Page): Locator {
  return page.locator('article.message-assistant');
}

test('a new user adds a key, picks a model, watches answers stream, stops one, sees tokens and cost, and finds it all after a reload', async ({ app, fake }) => {
  fake.reset();
  const secret = fakeOpenAiKey();

  // --- add a key through the UI
  await app.getByRole('link', { name: 'Settings', exact: true }).click();
  await app.getByRole('region', { name: 'OpenAI', exact: true }).getByRole('button', { name: 'Add OpenAI key' }).click();
  const add = app.getByRole('dialog', { name: 'Add an OpenAI key' });
  await add.getByLabel('API key', { exact: true }).fill(secret);
  await add.getByLabel('Label').fill('Work');
  await add.getByLabel('Base URL').fill(fake.baseUrls.openai);
  await add.getByRole('button', { name: 'Save key' }).click();
  await expect(add).toBeHidden();

  // --- the picker: system default unavailable (no environment key), OpenAI's models with prices and context
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New conversation' });
  const system = dialog.getByRole('radio', { name: /System default/ });
  await expect(system).toBeVisible();
  await expect(dialog.locator('.picker-system')).toContainText('unavailable');
  const openai = dialog.getByRole('region', { name: 'OpenAI', exact: true });
  await expect(openai.getByText('key Work')).toBeVisible();
  const mini = openai.getByRole('radio', { name: /^GPT-4o mini/ });
  await expect(openai.locator('[data-model="gpt-4o-mini"]')).toContainText('$0.15 in · $0.60 out per 1M tokens');
  await expect(openai.locator('[data-model="gpt-4o-mini"]')).toContainText('128K context');
  // Search narrows the list; providers without a key say how to set them up.
  await dialog.getByRole('searchbox', { name: 'Search models' }).fill('4o mini');
  await expect(openai.getByRole('radio')).toHaveCount(2); // gpt-4o-mini + "other model id"
  await expect(dialog.getByRole('link', { name: 'Set up Anthropic in Settings → Providers & Keys' })).toBeVisible();
  await dialog.getByLabel('Agent or purpose').fill('Trip planner');
  await mini.check();
  await app.screenshot({ path: `${SHOTS}/chat-new-conversation-search.png` });
  await dialog.getByRole('searchbox', { name: 'Search models' }).fill('');
  await app.screenshot({ path: `${SHOTS}/chat-new-conversation.png` });
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
  await expect(app).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);

  const header = app.locator('.conversation-header');
  await expect(header.getByRole('button', { name: /Model: OpenAI · GPT-4o mini \(Work\)/ })).toBeVisible();
  await expect(header).toContainText('Trip planner');

  // --- the composer estimates the next turn's cost
  await composer(app).fill('What should I pack?');
  await expect(app.locator('.composer-estimate')).toContainText(/Next turn ≈ \d+ tokens in · \$/);

  // --- first answer streams in: partial text before the final text
  await composer(app).fill('Plan a weekend in Lisbon [[delay:120]] [[usage:in=1000,out=500]]');
  await composer(app).press('Enter');
  const first = answers(app).nth(0);
  await expect(first).toContainText('Hello from gpt-4o-mini');
  await expect(first).toHaveAttribute('data-status', 'streaming');
  await expect(first).not.toContainText('deterministic reply from the fake provider');
  await expect(app.getByRole('button', { name: 'Stop' })).toBeVisible();
  await app.screenshot({ path: `${SHOTS}/chat-streaming.png` });
  await expect(first).toContainText('deterministic reply from the fake provider', { timeout: 15_000 });
  await expect(first).toHaveAttribute('data-status', 'done');
  const meta = first.locator('.message-meta');
  await expect(meta).toContainText('gpt-4o-mini');
  await expect(meta).toContainText('OpenAI');
  await expect(meta).toContainText('key Work');
  await expect(meta).toContainText('1,000 in');
  await expect(meta).toContainText('500 out');
  // (1000 × $0.15 + 500 × $0.60) / 1M
  await expect(meta.locator('.meta-cost')).toHaveText('$0.00045');
  // The sidebar names the conversation after the first message and shows its model.
  const item = app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Plan a weekend in Lisbon/ });
  await expect(item).toContainText('GPT-4o mini · OpenAI');

  // --- second answer: cached and reasoning tokens are shown when there are some
  await send(app, 'And where to eat? [[usage:in=1200,out=300,cached=200,reasoning=40]]');
  const second = answers(app).nth(1);
  await expect(second).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(second.locator('.message-meta')).toContainText('1,000 in');
  await expect(second.locator('.message-meta')).toContainText('200 cached');
  await expect(second.locator('.message-meta')).toContainText('300 out');
  await expect(second.locator('.message-meta')).toContainText('40 reasoning');
  // The history sent to the model is the conversation so far.
  const last = (await chatRequests(fake)).pop();
  expect(last?.body.messages?.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);

  // --- a slow answer, stopped with Escape in the composer: the partial text stays, marked stopped
  await send(app, 'Tell me everything about trams [[delay:400]]');
  const third = answers(app).nth(2);
  await expect(third).toContainText('Hello from');
  await expect(composer(app)).toBeFocused();
  await composer(app).press('Escape');
  await expect(third).toHaveAttribute('data-status', 'cancelled');
  await expect(third.getByText('stopped', { exact: true })).toBeVisible();
  await expect(third).toContainText('Hello from');
  await expect(third).not.toContainText('deterministic reply from the fake provider');
  await app.screenshot({ path: `${SHOTS}/chat-stopped.png` });
  await expect.poll(async () => Object.values((await fakeStats(fake)).aborted).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await expect(app.getByRole('button', { name: 'Send' })).toBeVisible();

  // --- regenerate the last answer
  await third.getByRole('button', { name: 'Regenerate' }).click();
  await expect(answers(app)).toHaveCount(3);
  await expect(answers(app).nth(2)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(answers(app).nth(2)).toContainText('deterministic reply');

  // --- markdown: code blocks with a copy button, tables; raw HTML stays text
  const md = '## Packing list\n\n1. Comfortable **shoes**\n2. A light jacket\n\n| Day | Plan |\n|---|---|\n| Sat | Alfama, tram 28 |\n| Sun | Belém |\n\n```bash\nlisbon --weekend --budget 300\n```\n\n<b>not bold</b>';
  await send(app, `Format it [[reply:${md}]]`);
  const fourth = answers(app).nth(3);
  await expect(fourth).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(fourth.getByRole('heading', { name: 'Packing list' })).toBeVisible();
  await expect(fourth.getByRole('table')).toBeVisible();
  await expect(fourth.getByRole('button', { name: 'Copy bash code' })).toBeVisible();
  await expect(fourth.locator('b')).toHaveCount(0);
  await expect(fourth).toContainText('<b>not bold</b>');

  // --- the draft is kept per conversation
  await composer(app).fill('A draft I have not sent');
  await app.waitForTimeout(600);

  await app.screenshot({ path: `${SHOTS}/chat-conversation.png` });

  // --- reload: messages, who answered, tokens, cost, the stop marker's absence after regenerate, the draft
  const url = app.url();
  await app.reload();
  await expect(app).toHaveURL(url);
  await expect(answers(app)).toHaveCount(4);
  await expect(answers(app).nth(0).locator('.meta-cost')).toHaveText('$0.00045');
  await expect(answers(app).nth(0).locator('.message-meta')).toContainText('key Work');
  await expect(answers(app).nth(1).locator('.message-meta')).toContainText('200 cached');
  await expect(app.locator('article.message-user')).toHaveCount(4);
  await expect(composer(app)).toHaveValue('A draft I have not sent');
  await expect(app.locator('.conversation-header')).toContainText('GPT-4o mini');
});

test('a stopped answer keeps its partial text and its marker after a reload; Stop is a button too', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'Slow one [[delay:400]]');
  const answer = answers(app).first();
  await expect(answer).toContainText('Hello from');
  const stop = app.getByRole('button', { name: 'Stop' });
  await expect(stop).toHaveAttribute('title', /Esc/);
  await stop.click();
  await expect(answer).toHaveAttribute('data-status', 'cancelled');
  const partial = (await answer.locator('.markdown').innerText()).trim();
  expect(partial.length).toBeGreaterThan(0);
  // What the stopped call used is still metered, and shown (estimated: the provider reported nothing).
  await expect(answer.locator('.message-meta')).toContainText(/\d+ out/);
  await expect(answer.locator('.message-meta')).toContainText('estimated');
  await expect(answer.locator('.meta-cost')).toHaveText(/^\$0\.0/);
  await app.reload();
  await expect(answers(app).first()).toHaveAttribute('data-status', 'cancelled');
  await expect(answers(app).first().getByText('stopped', { exact: true })).toBeVisible();
  expect((await answers(app).first().locator('.markdown').innerText()).trim()).toBe(partial);
});

test('a fallback answer says so and lists the attempts', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await addKey(host, fake, 'anthropic', 'Claude');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, fallback: 'Claude Haiku 4.5' });
  await send(app, 'Hello [[fault:500@openai]]');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(answer).toContainText('Hello from claude-haiku-4-5');
  const note = answer.locator('.message-note');
  await expect(note).toContainText(/Answered by fallback 1 \(Anthropic claude-haiku-4-5\)/);
  await expect(answer.locator('.message-meta-line')).toContainText('Anthropic');
  await expect(answer.locator('.message-meta-line')).toContainText('key Claude');
  await answer.getByRole('button', { name: /Show attempts/ }).click();
  const attempts = answer.locator('.attempt-list li');
  await expect(attempts.first()).toContainText('OpenAI');
  await expect(attempts.first()).toContainText('error');
  await expect(attempts.last()).toContainText('Fallback 1: Anthropic');
  await expect(attempts.last()).toContainText('ok');
  await app.screenshot({ path: `${SHOTS}/chat-fallback.png` });
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot({ path: `${SHOTS}/chat-fallback-dark.png` });
});

test('a turn whose fallback failed last names the fallback’s key, not the first choice’s', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await addKey(host, fake, 'anthropic', 'Personal');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, fallback: 'Claude Haiku 4.5' });
  await send(app, 'Hello [[fault:401]]');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'error', { timeout: 30_000 });
  await expect(answer.getByRole('alert')).toContainText('Anthropic rejected the API key');
  const meta = answer.locator('.message-meta-line');
  await expect(meta).toContainText('claude-haiku-4-5');
  await expect(meta).toContainText('Anthropic');
  await expect(meta).toContainText('key Personal');
  await expect(meta).not.toContainText('key Work');
  // Still right after a reload (the stored message, not only the live turn).
  await app.reload();
  await expect(answers(app).first().locator('.message-meta-line')).toContainText('key Personal');
});

test('another key of the provider answering is noted too', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Broken', fakeOpenAiKey('-invalid'));
  await addKey(host, fake, 'openai', 'Backup');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, key: 'Broken' });
  await send(app, 'Hi');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(answer.locator('.message-note')).toContainText(/another OpenAI key \("Backup"\)/);
  await expect(answer.locator('.message-meta-line')).toContainText('key Backup');
});

test('a failed turn shows what happened and how to fix it, and Retry works', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'Are you there? [[fault:quotax1]]');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  const error = answer.getByRole('alert');
  await expect(error).toContainText('QUOTA_EXHAUSTED');
  await expect(error.locator('.callout-hint').first()).not.toBeEmpty();
  await expect(error).not.toContainText(/at \w+ \(|\.ts:\d+/); // never a stack
  await app.screenshot({ path: `${SHOTS}/chat-error.png` });
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(answer).toContainText('Hello from gpt-4o-mini');
  await expect(answer.getByRole('alert')).toHaveCount(0);
  await expect(answers(app)).toHaveCount(1);
});

test('a turn that got no answer is not sent again with later messages, unless the user includes it', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'What is 2+2? [[fault:quota]]');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  const failed = app.locator('article.message-user').first();
  // The user sees, before sending again, that this question will not go with the next one.
  await expect(failed).toHaveAttribute('data-history', 'left-out');
  await expect(failed).toContainText('Left out of later turns');

  await send(app, 'What is 3+3?');
  await expect(answers(app).nth(1)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const second = (await chatRequests(fake)).filter((r) => JSON.stringify(r.body).includes('What is 3+3?')).pop();
  expect(second?.body.messages?.map((m) => m.content)).toEqual(['What is 3+3?']);

  // Included again on request: the next turn sends it (and says so beside it).
  await failed.getByRole('button', { name: 'Include this message in what the model sees' }).click();
  await expect(failed).toHaveAttribute('data-history', 'included');
  await expect(failed).toContainText('Sent to the model with later messages');
  await send(app, 'What is 4+4?');
  await expect(answers(app).nth(2)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const third = (await chatRequests(fake)).filter((r) => JSON.stringify(r.body).includes('What is 4+4?')).pop();
  expect(third?.body.messages?.map((m) => m.content)).toContain('What is 2+2? [[fault:quota]]');
  await app.screenshot({ path: `${SHOTS}/chat-left-out.png` });
});

test('deleting the key ends the conversation with a banner, and another model continues it', async ({ app, host, fake }) => {
  const doomed = await addKey(host, fake, 'openai', 'Old');
  await addKey(host, fake, 'openai', 'New');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/, key: 'Old' });
  await send(app, 'First question');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });

  const res = await rpcOk<{ endedSessions: number }>(host, 'keys.delete', { id: doomed });
  expect(res.endedSessions).toBe(1);
  const banner = app.locator('.chat-banner');
  await expect(banner).toContainText('session was ended');
  await expect(app.getByRole('button', { name: 'Send' })).toBeDisabled();
  // The header does not go on naming the deleted key as if it still answered, and nothing prices a turn that cannot be sent.
  await expect(app.locator('.conversation-model-key')).toHaveText('key Old (deleted)');
  await app.getByRole('textbox', { name: 'Message' }).fill('still there?');
  await app.waitForTimeout(1000);
  await expect(app.locator('.composer-estimate')).toHaveText('');
  await app.getByRole('textbox', { name: 'Message' }).fill('');
  await app.screenshot({ path: `${SHOTS}/chat-session-ended.png` });
  await banner.getByRole('button', { name: 'Choose another model' }).click();
  const change = app.getByRole('dialog', { name: 'Change model' });
  await change.getByRole('radio', { name: /^GPT-4.1 mini/ }).check();
  await change.getByRole('button', { name: 'Use this model' }).click();
  await expect(change).toBeHidden();
  await expect(banner).toBeHidden();
  await expect(app.locator('.conversation-header')).toContainText('GPT-4.1 mini');
  await send(app, 'Second question');
  await expect(answers(app).nth(1)).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(answers(app).nth(1)).toContainText('Hello from gpt-4.1-mini');
  // The first answer still says who wrote it.
  await expect(answers(app).nth(0).locator('.message-meta')).toContainText('key Old');
});

test('after a restart with session-only keys, a conversation says its key was kept for the last session, not deleted, and continues once the key is entered again', async ({ page, fake }) => {
  const first = await launchHost();
  const port = Number(new URL(first.host.url).port);
  let conversationUrl = '';
  try {
    await addKey(first.host, fake, 'openai', 'Work');
    await page.goto(`${first.host.url}/#token=${first.host.token}`);
    await newConversation(page, { model: /^GPT-4o mini/ });
    await send(page, 'Before the restart');
    await expect(answers(page).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
    conversationUrl = new URL(page.url()).pathname;
  } finally {
    await first.stop({ keepData: true });
  }
  // Same address (the conversations live in this origin's IndexedDB), same data folder, no passphrase.
  const second = await launchHost({ dataDir: first.host.dataDir, port });
  try {
    await page.goto('about:blank');
    await page.goto(`${second.host.url}${conversationUrl}#token=${second.host.token}`);
    const banner = page.locator('.chat-banner');
    await expect(banner).toContainText('Keys were kept for the last session only');
    await expect(banner).toContainText('was not deleted');
    await expect(banner).not.toContainText('was deleted');
    await expect(banner.getByRole('link', { name: 'Re-enter the key' })).toBeVisible();
    await expect(banner.getByRole('link', { name: 'Set a passphrase' })).toHaveAttribute('href', '/settings/keys');
    await page.screenshot({ path: `${SHOTS}/chat-session-only-restart.png` });

    // The key entered again: the conversation carries on with it.
    await addKey(second.host, fake, 'openai', 'Work');
    await banner.getByRole('button', { name: 'Continue with key “Work”' }).click();
    await expect(banner).toBeHidden();
    await send(page, 'After the restart');
    await expect(answers(page).nth(1)).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  } finally {
    await second.stop();
  }
});

test('the system default shows what it resolves to when an environment key exists, and answers', async ({ page, fake }) => {
  const envKey = fakeOpenAiKey();
  const launched = await launchHost({ env: { OPENAI_API_KEY: envKey, OPENAI_BASE_URL: fake.baseUrls.openai } });
  try {
    await page.goto(`${launched.host.url}/#token=${launched.host.token}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New conversation', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    const system = dialog.locator('.picker-system');
    await expect(system).toContainText('available');
    await expect(system).toContainText('gpt-4o-mini');
    await expect(dialog.getByRole('radio', { name: /System default/ })).toBeChecked();
    await dialog.getByRole('button', { name: 'Start conversation' }).click();
    await expect(page.locator('.conversation-header')).toContainText('System default');
    // The next thing is typing: the message box has focus once the dialog is gone.
    await expect(dialog).toBeHidden();
    await expect(composer(page)).toBeFocused();
    await send(page, 'Hello default');
    const answer = answers(page).first();
    await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
    await expect(answer.locator('.message-meta')).toContainText('gpt-4o-mini');
    await expect(answer.locator('.message-meta')).toContainText('OpenAI (environment)');
  } finally {
    await launched.stop();
  }
});

test('model settings: limits shown, bad values refused inline, good ones kept', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await app.getByRole('button', { name: 'Model settings' }).click();
  const pop = app.getByRole('dialog', { name: 'Model settings' });
  await expect(pop).toBeVisible();
  await expect(pop).toContainText('Context window 128K tokens');
  // An empty field says what is sent, and why: Switchboard's default, below the model's maximum.
  await expect(pop.getByLabel('Max output tokens')).toHaveAttribute('placeholder', '8,192 (default)');
  await expect(pop).toContainText('Empty sends 8,192, Switchboard’s default for this model');
  await expect(pop).toContainText('The model allows up to 16,384.');
  await expect(pop).not.toContainText('provider’s defaults');
  await app.keyboard.press('Escape');
  await send(app, 'Defaults [[usage:in=10,out=5]]');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  expect((await chatRequests(fake)).pop()?.body.max_tokens).toBe(8192);
  await app.getByRole('button', { name: 'Model settings' }).click();
  await expect(pop).toBeVisible();
  await pop.getByLabel(/Temperature/).fill('3');
  await pop.getByLabel('Max output tokens').fill('100000');
  await pop.getByRole('button', { name: 'Save' }).click();
  await expect(pop).toContainText('Temperature goes from 0 to 2');
  await expect(pop).toContainText('at most 16,384 tokens');
  await app.screenshot({ path: `${SHOTS}/chat-model-settings.png` });
  await pop.getByLabel(/Temperature/).fill('0.3');
  await pop.getByLabel('Max output tokens').fill('2000');
  await pop.getByRole('button', { name: 'Save' }).click();
  await expect(pop).toBeHidden();
  await expect(app.getByRole('button', { name: /Model settings \(temperature 0.3, max 2,000 tokens\)/ })).toBeVisible();
  await send(app, 'Hi [[usage:in=10,out=5]]');
  await expect(answers(app).nth(1)).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  const call = (await chatRequests(fake)).pop();
  expect(call?.body.temperature).toBe(0.3);
  expect(call?.body.max_tokens).toBe(2000);
  // Escape closes the popover.
  await app.getByRole('button', { name: /Model settings/ }).click();
  await expect(pop).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(pop).toBeHidden();
});

test('the chat is keyboard-usable: Shift+Enter adds a line, Enter sends', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  const box = composer(app);
  await box.focus();
  await app.keyboard.type('line one');
  await app.keyboard.press('Shift+Enter');
  await app.keyboard.type('line two');
  await expect(box).toHaveValue('line one\nline two');
  await app.keyboard.press('Enter');
  await expect(app.locator('article.message-user').first()).toContainText('line one');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(box).toHaveValue('');
});

test('a limit refusal says which limit and when it resets', async ({ app, host, fake }) => {
  fake.reset();
  await addKey(host, fake, 'openai', 'Work');
  await rpcOk(host, 'limits.set', { dailyTokens: { provider: { openai: 50 } }, timeZone: 'Europe/Lisbon' });
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'Hello');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'error', { timeout: 15_000 });
  const error = answer.getByRole('alert');
  await expect(error).toContainText('Limit reached');
  await expect(error).toContainText('LIMIT_EXCEEDED');
  await expect(error).toContainText('OpenAI’s daily token limit is reached');
  // The reset time once, in the user's locale, as the limit banner above writes it (the core's own
  // 24-hour "It resets at … 00:00" sentence used to sit beside the banner's "12:00 AM").
  await expect(error).toContainText(/Resets \w{3} \d{1,2}, 12:00 AM \(Europe\/Lisbon\)/);
  await expect(error).not.toContainText('00:00');
  const bannerReset = /Resets ([^.]+)\./.exec((await app.getByTestId('limit-banner').innerText()) ?? '')?.[1];
  expect(bannerReset).toBeTruthy();
  await expect(error).toContainText(`Resets ${bannerReset!}`);
  await expect(error.getByRole('link', { name: 'Review limits' })).toBeVisible();
  // No provider request was made.
  expect(await chatRequests(fake)).toHaveLength(0);
  await app.screenshot({ path: `${SHOTS}/chat-limit.png` });
});

test('a setting the new model cannot take is refused by the core and shown at its field', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4.1 mini/ });
  await app.getByRole('button', { name: 'Model settings' }).click();
  const pop = app.getByRole('dialog', { name: 'Model settings' });
  await pop.getByLabel('Max output tokens').fill('30000');
  await pop.getByRole('button', { name: 'Save' }).click();
  await expect(pop).toBeHidden();
  // GPT-4o mini writes at most 16,384 tokens: the kept setting no longer fits.
  await app.locator('.conversation-header').getByRole('button', { name: /Change model/ }).click();
  const change = app.getByRole('dialog', { name: 'Change model' });
  await change.getByRole('radio', { name: /^GPT-4o mini/ }).check();
  await change.getByRole('button', { name: 'Use this model' }).click();
  await expect(change).toBeHidden();
  await expect(composer(app)).toBeFocused();
  await send(app, 'Hi');
  const answer = answers(app).first();
  await expect(answer).toHaveAttribute('data-status', 'error', { timeout: 15_000 });
  await expect(answer.getByRole('alert')).toContainText('VALIDATION');
  await answer.getByRole('button', { name: 'Open model settings' }).click();
  await expect(pop).toBeVisible();
  await expect(pop.getByLabel('Max output tokens')).toHaveValue('30000');
  await expect(pop.getByLabel('Max output tokens')).toHaveAttribute('aria-invalid', 'true');
  await expect(pop).toContainText(/16384|16,384/);
  await pop.getByLabel('Max output tokens').fill('');
  await pop.getByRole('button', { name: 'Save' }).click();
  await answer.getByRole('button', { name: 'Retry' }).click();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
});

test('after a very long message the view follows the answer; scrolling up shows “Jump to latest” in its own row, over no text', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  await send(app, 'First [[reply:A short first answer.]]');
  await expect(answers(app).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  const long = Array.from({ length: 200 }, (_, i) => `Line ${i} of a long pasted log.`).join('\n');
  const reply = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} of the answer.`).join('\n\n');
  await send(app, `${long}\n[[delay:20]] [[reply:${reply}]]`);
  const latest = answers(app).last();
  await expect(latest).toContainText('Paragraph 39 of the answer.', { timeout: 30_000 });
  await expect(latest).toHaveAttribute('data-status', 'done');
  await expect(latest.getByText('Paragraph 39 of the answer.')).toBeInViewport();
  const log = app.getByRole('log');
  await expect(app.locator('.jump-latest')).toHaveCount(0);

  // The user scrolls up to read: the view stays there, and the button sits below the messages.
  await log.hover();
  await app.mouse.wheel(0, -1500);
  const jump = app.getByRole('button', { name: 'Jump to latest' });
  await expect(jump).toBeVisible();
  const [logBox, jumpBox] = [await log.boundingBox(), await jump.boundingBox()];
  expect(jumpBox!.y).toBeGreaterThanOrEqual(logBox!.y + logBox!.height - 1);
  await jump.click();
  await expect(latest.getByText('Paragraph 39 of the answer.')).toBeInViewport();
  await expect(jump).toBeHidden();
});

test('“Reconnecting…” takes its own place above the page and never covers the conversation title', async ({ page, fake }) => {
  const first = await launchHost();
  try {
    await addKey(first.host, fake, 'openai', 'Work');
    await page.goto(`${first.host.url}/#token=${first.host.token}`);
    await newConversation(page, { model: /^GPT-4o mini/ });
    await send(page, 'Hello there');
    await expect(answers(page).first()).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  } finally {
    await first.stop();
  }
  const banner = page.getByText(/Reconnecting to the Switchboard host/);
  await expect(banner).toBeVisible({ timeout: 20_000 });
  const title = page.locator('.conversation-header');
  const [b, t] = [await banner.boundingBox(), await title.boundingBox()];
  expect(b!.y + b!.height).toBeLessThanOrEqual(t!.y + 1);
  // The composer is still on screen.
  await expect(composer(page)).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: `${SHOTS}/chat-reconnecting.png` });
});

test('a long conversation is virtualised: thousands of messages, a few in the page, still following new answers', async ({ app, host, fake }) => {
  await addKey(host, fake, 'openai', 'Work');
  await app.reload();
  await newConversation(app, { model: /^GPT-4o mini/ });
  const id = app.url().split('/').pop()!;
  // 3,000 stored messages, written straight into the app's IndexedDB.
  await app.evaluate(async (conversationId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('switchboard');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction('messages', 'readwrite');
    const store = tx.objectStore('messages');
    for (let i = 0; i < 3000; i++) {
      const role = i % 2 === 0 ? 'user' : 'assistant';
      store.put({ id: `seed-${i}`, conversationId, role, content: role === 'user' ? `Question ${i}` : `Answer ${i} with **markdown**`, createdAt: 1_000 + i, status: 'done' });
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, id);
  await app.reload();
  await expect(app.locator('article.message-assistant').last()).toContainText('Answer 2999');
  expect(await app.locator('article.message').count()).toBeLessThan(80);
  await send(app, 'One more [[delay:50]]');
  const latest = app.locator('article.message-assistant', { hasText: 'You said: "One more"' });
  await expect(latest).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(latest).toBeInViewport();
  expect(await app.locator('article.message').count()).toBeLessThan(80);
});
