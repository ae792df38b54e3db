import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SwitchboardDb } from '../../../renderer/src/db/db.js';
import { ConversationNotFoundError, createConversationStore, type ConversationStore } from '../../../renderer/src/features/conversations/store.js';

let db: SwitchboardDb;
let store: ConversationStore;
let now = 1_000;

beforeEach(() => {
  now = 1_000;
  // A fresh in-memory IndexedDB per test.
  db = new SwitchboardDb('test', { indexedDB: new IDBFactory(), IDBKeyRange });
  store = createConversationStore(db, () => now);
});

afterEach(() => {
  db.close();
});

describe('conversations', () => {
  it('creates with defaults and lists the most recent first', async () => {
    const a = await store.create();
    now = 2_000;
    const b = await store.create({ title: '  Second  ', agent: 'research', params: { temperature: 0.2 } });
    expect(a).toMatchObject({ title: 'New conversation', agent: 'chat', target: { kind: 'system' }, params: {}, createdAt: 1_000, updatedAt: 1_000 });
    expect(b).toMatchObject({ title: 'Second', agent: 'research', params: { temperature: 0.2 } });
    expect((await store.list()).map((c) => c.id)).toEqual([b.id, a.id]);
  });

  it('renames without reordering, refuses blank titles, reports missing ones', async () => {
    const a = await store.create({ title: 'A' });
    now = 2_000;
    const b = await store.create({ title: 'B' });
    now = 3_000;
    await expect(store.rename(a.id, '  Renamed   A ')).resolves.toBe('Renamed A');
    expect((await store.list()).map((c) => c.title)).toEqual(['B', 'Renamed A']);
    await expect(store.rename(b.id, '   ')).rejects.toThrow(/needs a title/);
    expect((await store.get(b.id))?.title).toBe('B');
    await expect(store.rename('missing', 'x')).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('stores the model choice as a snapshot', async () => {
    const c = await store.create();
    const target = { kind: 'key' as const, keyId: 'k1', provider: 'openai' as const, model: 'gpt-4o-mini', providerName: 'OpenAI', keyLabel: 'Work' };
    await store.update(c.id, { target, params: { maxTokens: 500 } });
    expect(await store.get(c.id)).toMatchObject({ target, params: { maxTokens: 500 } });
  });

  it('deletes a conversation with its messages and draft, leaving others alone', async () => {
    const a = await store.create();
    const b = await store.create();
    await store.addMessage(a.id, { role: 'user', content: 'hi' });
    await store.addMessage(b.id, { role: 'user', content: 'keep me' });
    await store.saveDraft(a.id, 'half-typed');
    await store.remove(a.id);
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.messages(a.id)).toEqual([]);
    expect(await store.getDraft(a.id)).toBe('');
    expect((await store.messages(b.id)).map((m) => m.content)).toEqual(['keep me']);
  });

  it('survives reopening the database', async () => {
    const factory = new IDBFactory();
    const first = new SwitchboardDb('persist', { indexedDB: factory, IDBKeyRange });
    const c = await createConversationStore(first).create({ title: 'Kept' });
    first.close();
    const second = new SwitchboardDb('persist', { indexedDB: factory, IDBKeyRange });
    expect((await createConversationStore(second).get(c.id))?.title).toBe('Kept');
    second.close();
  });
});

describe('messages (the chat view plugs in here)', () => {
  it('adds messages in order and bumps the conversation', async () => {
    const c = await store.create();
    now = 5_000;
    const user = await store.addMessage(c.id, { role: 'user', content: 'Hello' });
    now = 6_000;
    const reply = await store.addMessage(c.id, { role: 'assistant', content: '', status: 'streaming', streamId: 's1', provider: 'openai', model: 'gpt-4o-mini' });
    expect(user.status).toBe('done');
    expect(reply.status).toBe('streaming');
    expect((await store.get(c.id))?.updatedAt).toBe(6_000);
    expect((await store.messages(c.id)).map((m) => m.id)).toEqual([user.id, reply.id]);
  });

  it('appends streamed text without losing concurrent deltas, then settles with a snapshot', async () => {
    const c = await store.create();
    const reply = await store.addMessage(c.id, { role: 'assistant', content: '', status: 'streaming' });
    await Promise.all(['Hel', 'lo', ', ', 'world'].map((t) => store.appendToMessage(reply.id, t)));
    const usage = { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0, estimated: false };
    await store.updateMessage(reply.id, { status: 'done', usage, costUsd: 0.0001, keyLabel: 'Work' });
    const [m] = await store.messages(c.id);
    expect(m?.content).toHaveLength('Hello, world'.length);
    expect(m).toMatchObject({ status: 'done', usage, costUsd: 0.0001, keyLabel: 'Work' });
  });

  it('refuses a message for a deleted conversation; updates to deleted messages report false', async () => {
    const c = await store.create();
    const m = await store.addMessage(c.id, { role: 'assistant', content: '', status: 'streaming' });
    await store.remove(c.id);
    await expect(store.addMessage(c.id, { role: 'user', content: 'x' })).rejects.toBeInstanceOf(ConversationNotFoundError);
    await expect(store.updateMessage(m.id, { status: 'cancelled' })).resolves.toBe(false);
    await expect(store.appendToMessage(m.id, 'late delta')).resolves.toBe(false);
  });

  it('keeps drafts per conversation; an empty draft is removed', async () => {
    const c = await store.create();
    await store.saveDraft(c.id, 'thinking…');
    expect(await store.getDraft(c.id)).toBe('thinking…');
    await store.saveDraft(c.id, '');
    expect(await db.drafts.count()).toBe(0);
  });
});
