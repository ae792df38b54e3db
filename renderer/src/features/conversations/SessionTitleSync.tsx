import { useEffect, useRef } from 'react';
import { useBridge } from '../../bridge/context.js';
import type { Bridge } from '../../bridge/types.js';
import type { Conversation } from '../../db/schema.js';
import { useConversations } from './hooks.js';
import { TITLE_BATCH, titleChanges } from './title-sync.js';

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
      for (let i = 0; i < changes.length; i += TITLE_BATCH) {
        const batch = changes.slice(i, i + TITLE_BATCH);
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
