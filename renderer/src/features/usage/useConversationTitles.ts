import { useLiveQuery } from 'dexie-react-hooks';
import { conversationStore } from '../conversations/store.js';

/**
 * Titles of the conversations behind usage session ids, live from IndexedDB. A deleted
 * conversation is simply missing: its usage stays in the ledger and shows under its session id.
 */
export function useConversationTitles(sessionIds: readonly string[]): ReadonlyMap<string, string> | undefined {
  const key = [...new Set(sessionIds)].sort().join('\n');
  return useLiveQuery(async () => {
    const ids = key === '' ? [] : key.split('\n');
    const found = await conversationStore().db.conversations.bulkGet(ids);
    const titles = new Map<string, string>();
    found.forEach((c, i) => {
      if (c) titles.set(ids[i]!, c.title);
    });
    return titles;
  }, [key]);
}
