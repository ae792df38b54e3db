import { appDb, type SwitchboardDb } from '../../db/db.js';
import { newId } from '../../db/ids.js';
import type { Conversation, ConversationParams, ConversationTarget, Draft, Message, MessageRole, MessageStatus } from '../../db/schema.js';
import { SYSTEM_TARGET } from './targets.js';
import { DEFAULT_TITLE, normalizeTitle } from './titles.js';

export interface NewConversation {
  title?: string;
  agent?: string;
  agentId?: string;
  powerLevel?: Conversation['powerLevel'];
  target?: ConversationTarget;
  fallbacks?: ConversationTarget[];
  params?: ConversationParams;
}

/** A field set to undefined is removed (Dexie deletes properties updated to undefined). */
export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'agent' | 'target' | 'fallbacks' | 'params' | 'ended'>>;

export type NewMessage = Omit<Message, 'id' | 'conversationId' | 'createdAt' | 'status'> & {
  id?: string;
  role: MessageRole;
  status?: MessageStatus;
  createdAt?: number;
};

/** Everything but identity can change while a reply streams and settles. */
export type MessagePatch = Partial<Omit<Message, 'id' | 'conversationId' | 'createdAt'>>;

export class ConversationNotFoundError extends Error {
  constructor(readonly id: string) {
    super('That conversation no longer exists.');
    this.name = 'ConversationNotFoundError';
  }
}

export const DEFAULT_AGENT = 'chat';

/**
 * Conversations, messages and drafts (IndexedDB via Dexie). The chat view plugs in here:
 * addMessage for the user's turn and the streaming reply, updateMessage/appendToMessage as deltas
 * and the final result arrive. Nothing here touches the usage ledger: that lives in the core and
 * survives deleting a conversation.
 */
export function createConversationStore(db: SwitchboardDb, clock: () => number = Date.now) {
  async function touch(conversationId: string, at: number): Promise<void> {
    await db.conversations.update(conversationId, { updatedAt: at });
  }

  return {
    db,

    async create(input: NewConversation = {}): Promise<Conversation> {
      const now = clock();
      const conversation: Conversation = {
        id: newId(),
        title: normalizeTitle(input.title ?? '') ?? DEFAULT_TITLE,
        agent: input.agent ?? DEFAULT_AGENT,
        ...(input.agentId ? { agentId: input.agentId } : {}),
        ...(input.powerLevel ? { powerLevel: input.powerLevel } : {}),
        target: input.target ?? SYSTEM_TARGET,
        ...(input.fallbacks && input.fallbacks.length > 0 ? { fallbacks: input.fallbacks } : {}),
        params: input.params ?? {},
        createdAt: now,
        updatedAt: now,
      };
      await db.conversations.add(conversation);
      return conversation;
    },

    get(id: string): Promise<Conversation | undefined> {
      return db.conversations.get(id);
    },

    /** Most recently active first. */
    list(): Promise<Conversation[]> {
      return db.conversations.orderBy('updatedAt').reverse().toArray();
    },

    /** Renames without reordering the list. Blank titles are refused (the old title stays). */
    async rename(id: string, title: string): Promise<string> {
      const clean = normalizeTitle(title);
      if (clean === null) throw new Error('A conversation needs a title.');
      const changed = await db.conversations.update(id, { title: clean });
      if (changed === 0 && !(await db.conversations.get(id))) throw new ConversationNotFoundError(id);
      return clean;
    },

    async update(id: string, patch: ConversationPatch): Promise<void> {
      const next: ConversationPatch = { ...patch };
      if (patch.title !== undefined) next.title = normalizeTitle(patch.title) ?? DEFAULT_TITLE;
      const changed = await db.conversations.update(id, next);
      if (changed === 0 && !(await db.conversations.get(id))) throw new ConversationNotFoundError(id);
    },

    /** Deletes the conversation with its messages and draft, all or nothing. */
    async remove(id: string): Promise<void> {
      await db.transaction('rw', db.conversations, db.messages, db.drafts, async () => {
        await db.messages.where('conversationId').equals(id).delete();
        await db.drafts.delete(id);
        await db.conversations.delete(id);
      });
    },

    async addMessage(conversationId: string, input: NewMessage): Promise<Message> {
      const now = input.createdAt ?? clock();
      const message: Message = {
        ...input,
        id: input.id ?? newId(),
        conversationId,
        createdAt: now,
        status: input.status ?? 'done',
      };
      await db.transaction('rw', db.conversations, db.messages, async () => {
        if (!(await db.conversations.get(conversationId))) throw new ConversationNotFoundError(conversationId);
        await db.messages.add(message);
        await touch(conversationId, now);
      });
      return message;
    },

    /**
     * Starts a message over (retry, regenerate): keeps its identity and place, drops every field of
     * the previous answer. Returns false when the message is gone.
     */
    async resetMessage(id: string, next: MessagePatch): Promise<boolean> {
      return db.transaction('rw', db.messages, async () => {
        const current = await db.messages.get(id);
        if (!current) return false;
        const fresh: Message = {
          id: current.id,
          conversationId: current.conversationId,
          role: current.role,
          createdAt: current.createdAt,
          content: '',
          status: 'done',
          ...next,
        };
        await db.messages.put(fresh);
        return true;
      });
    },

    /** Returns false when the message is gone (its conversation was deleted mid-stream). */
    async updateMessage(id: string, patch: MessagePatch): Promise<boolean> {
      return (await db.messages.update(id, patch)) > 0;
    },

    /** Appends streamed text in one transaction so concurrent deltas never overwrite each other. */
    async appendToMessage(id: string, text: string): Promise<boolean> {
      if (text === '') return true;
      return db.transaction('rw', db.messages, async () => {
        const current = await db.messages.get(id);
        if (!current) return false;
        await db.messages.update(id, { content: current.content + text });
        return true;
      });
    },

    /** Oldest first. */
    messages(conversationId: string): Promise<Message[]> {
      return db.messages.where('[conversationId+createdAt]').between([conversationId, -Infinity], [conversationId, Infinity]).toArray();
    },

    async getDraft(conversationId: string): Promise<string> {
      return (await db.drafts.get(conversationId))?.text ?? '';
    },

    async saveDraft(conversationId: string, text: string): Promise<void> {
      if (text === '') {
        await db.drafts.delete(conversationId);
        return;
      }
      const draft: Draft = { conversationId, text, updatedAt: clock() };
      await db.drafts.put(draft);
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;

let store: ConversationStore | null = null;

/** The app-wide store over the app's database. */
export function conversationStore(): ConversationStore {
  store ??= createConversationStore(appDb());
  return store;
}
