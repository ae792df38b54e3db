import { useLiveQuery } from 'dexie-react-hooks';
import type { Conversation, Message } from '../../db/schema.js';
import { conversationStore } from './store.js';

/** undefined while loading, then the list (most recent first). */
export function useConversations(): Conversation[] | undefined {
  return useLiveQuery(() => conversationStore().list(), []);
}

/** undefined while loading, null when there is no such conversation. */
export function useConversation(id: string): Conversation | null | undefined {
  return useLiveQuery(async () => (await conversationStore().get(id)) ?? null, [id]);
}

export function useMessages(conversationId: string): Message[] | undefined {
  return useLiveQuery(() => conversationStore().messages(conversationId), [conversationId]);
}
