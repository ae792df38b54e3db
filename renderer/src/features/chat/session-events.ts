import { useBridgeEvent } from '../../bridge/context.js';
import { conversationStore } from '../conversations/store.js';

/**
 * Records a session the core ended (its key was deleted) on the conversation, so its banner shows
 * now and after a reload, until another model is picked. Mounted once, for every conversation.
 */
export function useSessionEndedListener(): void {
  useBridgeEvent('session.ended', (p) => {
    void conversationStore()
      .update(p.sessionId, { ended: { reason: p.reason, ...(p.keyId ? { keyId: p.keyId } : {}), at: Date.now() } })
      .catch(() => undefined);
  });
}
