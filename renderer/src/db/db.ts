import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import type { Conversation, Draft, Message } from './schema.js';

export const DB_NAME = 'switchboard';

/**
 * Conversations, messages and drafts live in the renderer's IndexedDB. Every schema change adds a
 * new `version(n)` with an upgrade function; never edit a shipped version.
 */
export class SwitchboardDb extends Dexie {
  conversations!: EntityTable<Conversation, 'id'>;
  messages!: EntityTable<Message, 'id'>;
  drafts!: EntityTable<Draft, 'conversationId'>;

  constructor(name: string = DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      conversations: 'id, updatedAt, createdAt',
      messages: 'id, conversationId, [conversationId+createdAt], status',
      drafts: 'conversationId',
    });
    // 2: messages carry structured parts (text, tool calls, tool results). Every message keeps its
    // text and gets it as one text part, so every existing conversation reads as before.
    this.version(2)
      .stores({
        conversations: 'id, updatedAt, createdAt',
        messages: 'id, conversationId, [conversationId+createdAt], status',
        drafts: 'conversationId',
      })
      .upgrade((tx) =>
        tx
          .table<Message, string>('messages')
          .toCollection()
          .modify((m) => {
            if (m.parts === undefined) m.parts = m.content === '' ? [] : [{ type: 'text', text: m.content }];
          }),
      );
  }
}

let instance: SwitchboardDb | null = null;

/** The app's database, opened on first use. */
export function appDb(): SwitchboardDb {
  instance ??= new SwitchboardDb();
  return instance;
}
