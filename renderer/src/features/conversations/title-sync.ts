import { useEffect, useRef } from 'react';
import { useBridge } from '../../bridge/context.js';
import type { Bridge } from '../../bridge/types.js';
import { useConversations } from './hooks.js';
import type { Conversation } from '../../db/schema.js';

/** Titles per call: the contract takes at most 1,000. */
const BATCH = 500;

export type TitleChange = { sessionId: string; title: string | null };

/**
 * What the core has not been told yet: new and renamed conversations, and deleted ones (null), by
 * comparing the list with what was last sent.
 */
export function titleChanges(conversations: readonly Pick<Conversation, 'id' | 'title'>[], sent: ReadonlyMap<string, string>): TitleChange[] {
  const out: TitleChange[] = [];
  const seen = new Set<string>();
  for (const c of conversations) {
    seen.add(c.id);
    if (sent.get(c.id) !== c.title) out.push({ sessionId: c.id, title: c.title });
  }
  for (const id of sent.keys()) if (!seen.has(id)) out.push({ sessionId: id, title: null });
  return out;
}

/**
 * Keeps the core told of every conversation's title (usage.setSessionTitles), so its CSV export can
 * name conversations: all of them once per connection, then each create, rename and delete. A
 * failed call is retried with the next change or reconnect.
 */
export function useSessionTitleSync(bridge: Bridge, conversations: readonly Conversation[] | undefined): void {
  const sent = useRef(new Map<string, string>());
  const running = useRef<Promise<void>>(Promise.resolve());
  const latest = useRef(conversations);
  latest.current = conversations;

  const run = useRef(() => {
    const sync = async (): Promise<void> => {
      const list = latest.current;
      if (!list) return;
      const changes = titleChanges(list, sent.current);
      for (let i = 0; i < changes.length; i += BATCH) {
        const batch = changes.slice(i, i + BATCH);
        await bridge.call('usage.setSessionTitles', { titles: batch });
        for (const c of batch) {
          if (c.title === null) sent.current.delete(c.sessionId);
          else sent.current.set(c.sessionId, c.title);
        }
      }
    };
    // One sync at a time; a change while one runs is picked up by the next.
    running.current = running.current.then(sync).catch(() => undefined);
  });

  useEffect(() => run.current(), [conversations]);

  useEffect(() => {
    let last = bridge.connectionState();
    return bridge.onConnectionChange((state) => {
      // Back after a drop: tell the host everything again (it is idempotent).
      if (state === 'open' && last !== 'open') {
        sent.current = new Map();
        run.current();
      }
      last = state;
    });
  }, [bridge]);
}

/** Mounted once in the shell; renders nothing (its own live query, so the shell never re-renders for it). */
export function SessionTitleSync(): null {
  useSessionTitleSync(useBridge(), useConversations());
  return null;
}
