import type { Conversation } from '../../db/schema.js';
import { Icon } from '../../ui/Icon.js';

/**
 * The conversation body. The chat feature replaces this component: message list (useMessages),
 * composer with drafts (conversationStore().getDraft/saveDraft), streaming via chat.send +
 * chat.delta/chat.done/chat.error events, and per-message model and cost.
 */
export function ChatPanel({ conversation }: { conversation: Conversation }) {
  return (
    <section className="chat-panel chat-panel-placeholder" aria-label={`Messages in ${conversation.title}`}>
      <div className="empty-state">
        <Icon name="chat" size={28} />
        <h2>Chat arrives here</h2>
        <p>Messages and the composer for this conversation will appear in this space.</p>
      </div>
    </section>
  );
}
