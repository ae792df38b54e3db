import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useBridge } from '../../bridge/context.js';
import { wasDeletedHere } from '../conversations/deleted-here.js';
import { conversationStore } from '../conversations/store.js';

/** Titles of usage session ids: those of this window's conversations, and those the app reported elsewhere. */
export interface SessionTitles {
  /** Conversations in this window's storage (linked). */
  local: ReadonlyMap<string, string>;
  /** Titles the core keeps for sessions not stored here (the desktop app's or another browser's conversations). */
  reported: ReadonlyMap<string, string>;
}

const NONE: ReadonlyMap<string, string> = new Map();

/**
 * Titles of the conversations behind usage session ids: live from IndexedDB, then, for ids this
 * window does not hold, the titles the app last reported to the core (usage.sessionTitles). A deleted
 * conversation is in neither: its usage stays in the ledger and shows under its session id.
 */
export function useConversationTitles(sessionIds: readonly string[]): SessionTitles | undefined {
  const bridge = useBridge();
  const key = [...new Set(sessionIds)].sort().join('\n');
  const local = useLiveQuery(async () => {
    const ids = key === '' ? [] : key.split('\n');
    const found = await conversationStore().db.conversations.bulkGet(ids);
    const titles = new Map<string, string>();
    found.forEach((c, i) => {
      if (c) titles.set(ids[i]!, c.title);
    });
    return titles;
  }, [key]);
  const [reported, setReported] = useState<{ key: string; titles: ReadonlyMap<string, string> } | null>(null);
  const missing = local ? (key === '' ? [] : key.split('\n')).filter((id) => !local.has(id) && !wasDeletedHere(id)) : null;
  const missingKey = missing?.join('\n') ?? null;
  useEffect(() => {
    if (missingKey === null || missingKey === '') return;
    let alive = true;
    const ids = missingKey.split('\n').slice(0, 500);
    bridge.call('usage.sessionTitles', { sessionIds: ids }).then(
      (r) => alive && setReported({ key: missingKey, titles: new Map(Object.entries(r.titles)) }),
      // Titles only label rows: without them the ids show, as before.
      () => alive && setReported({ key: missingKey, titles: NONE }),
    );
    return () => {
      alive = false;
    };
  }, [bridge, missingKey]);
  if (!local) return undefined;
  return { local, reported: reported && reported.key === missingKey ? reported.titles : NONE };
}
