import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.js';

/** "New conversation" opens the model picker; with no keys it starts on the system default. */
async function createConversation(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New conversation', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New conversation' });
  await expect(dialog.getByRole('radio', { name: /System default/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
}

test('create, rename, reload, delete a conversation', async ({ app }) => {
  const sidebar = app.getByRole('navigation', { name: 'Main' });
  await createConversation(app);
  await expect(app).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
  const header = app.locator('.conversation-header');
  await expect(header.getByRole('heading', { name: 'New conversation' })).toBeVisible();
  await expect(header.getByText('System default')).toBeVisible();

  // Rename in the header: Enter saves.
  await header.getByRole('button', { name: 'Rename conversation' }).click();
  const title = header.getByRole('textbox', { name: 'Conversation title' });
  await title.fill('Trip to Lisbon');
  await title.press('Enter');
  await expect(header.getByRole('heading', { name: 'Trip to Lisbon' })).toBeVisible();
  const item = sidebar.getByRole('link', { name: /Trip to Lisbon/ });
  await expect(item).toBeVisible();

  // Rename in the sidebar: Escape cancels.
  await sidebar.getByRole('button', { name: 'Rename “Trip to Lisbon”' }).click();
  const inline = sidebar.getByRole('textbox', { name: 'Conversation title' });
  await inline.fill('Something else');
  await inline.press('Escape');
  await expect(sidebar.getByRole('link', { name: /Trip to Lisbon/ })).toBeVisible();

  // Conversations live in IndexedDB: a reload keeps them.
  const url = app.url();
  await app.reload();
  await expect(app).toHaveURL(url);
  await expect(app.locator('.conversation-header').getByRole('heading', { name: 'Trip to Lisbon' })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: /Trip to Lisbon/ })).toBeVisible();

  // Delete asks first; Cancel keeps it.
  await sidebar.getByRole('button', { name: 'Delete “Trip to Lisbon”' }).click();
  let dialog = app.getByRole('dialog', { name: 'Delete this conversation?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('usage history is kept')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(sidebar.getByRole('link', { name: /Trip to Lisbon/ })).toBeVisible();

  await sidebar.getByRole('button', { name: 'Delete “Trip to Lisbon”' }).click();
  dialog = app.getByRole('dialog', { name: 'Delete this conversation?' });
  await dialog.getByRole('button', { name: 'Delete conversation' }).click();
  await expect(dialog).toBeHidden();
  await expect(app).toHaveURL(/\/$/);
  await expect(sidebar.getByRole('link', { name: /Trip to Lisbon/ })).toHaveCount(0);
  await expect(app.getByText('No conversations yet.')).toBeVisible();

  await app.reload();
  await expect(app.getByText('No conversations yet.')).toBeVisible();
});

test('conversations are keyboard-usable: F2 renames, Delete asks to delete', async ({ app }) => {
  const sidebar = app.getByRole('navigation', { name: 'Main' });
  await createConversation(app);
  await createConversation(app);
  await expect(sidebar.getByRole('link', { name: /New conversation/ })).toHaveCount(2);

  const first = sidebar.getByRole('link', { name: /New conversation/ }).first();
  await first.focus();
  await app.keyboard.press('F2');
  const inline = sidebar.getByRole('textbox', { name: 'Conversation title' });
  await expect(inline).toBeFocused();
  await inline.fill('Keyboard only');
  await app.keyboard.press('Enter');
  const renamed = sidebar.getByRole('link', { name: /Keyboard only/ });
  await expect(renamed).toBeVisible();

  await renamed.focus();
  await app.keyboard.press('Delete');
  const dialog = app.getByRole('dialog', { name: 'Delete this conversation?' });
  await expect(dialog).toBeVisible();
  // A destructive confirmation starts on Cancel.
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(renamed).toBeVisible();
});

test('a missing conversation says so instead of failing', async ({ app, host }) => {
  await app.goto(`${host.url}/conversations/does-not-exist`);
  await expect(app.getByRole('heading', { name: 'Conversation not found' })).toBeVisible();
});
