import type { Locator, Page } from '@playwright/test';
import { expect, fakeOpenAiKey, rpcOk, type FakeProviderServer, type Host } from './fixtures.js';

/** Adds a key through the contract (skipping its test) and answers its id. */
export async function addKey(host: Host, fake: FakeProviderServer, provider: 'openai' | 'anthropic', label: string, secret?: string): Promise<string> {
  const key = secret ?? (provider === 'openai' ? fakeOpenAiKey() : `sk-ant-test-${fakeOpenAiKey().slice(8)}`);
  const res = await rpcOk<{ id: string }>(host, 'keys.add', { provider, label, secret: key, baseUrl: fake.baseUrls[provider], skipTest: true });
  return res.id;
}

/** Opens "New conversation" and picks a model (and optionally the key and a fallback) in the picker. */
export async function newConversation(page: Page, options: { model: RegExp; provider?: string; fallback?: string; key?: string }): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await expect(dialog).toBeVisible();
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

/** Types a message in the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await expect(page.locator('dialog[open]')).toHaveCount(0);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

export function answers(page: Page): Locator {
  return page.locator('article.message-assistant');
}

/** Screenshots of the page at 1280×800 and at 1024×768 (`<name>-1280.png`, `<name>-1024.png`), with `focus` scrolled into view. */
export async function shootBothSizes(page: Page, dir: string, name: string, focus?: Locator): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const [w, h] of [
    [1280, 800],
    [1024, 768],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${dir}/${name}-${w}.png` });
  }
  await page.setViewportSize(size);
}
