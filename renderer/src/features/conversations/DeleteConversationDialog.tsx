import type { Conversation } from '../../db/schema.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { deleteConversation } from './actions.js';

export function DeleteConversationDialog({ conversation, onClose }: { conversation: Pick<Conversation, 'id' | 'title'>; onClose(): void }) {
  return (
    <ConfirmDialog
      title="Delete this conversation?"
      confirmLabel="Delete conversation"
      danger
      onClose={onClose}
      onConfirm={async () => {
        await deleteConversation(conversation.id);
        onClose();
      }}
    >
      <p>
        “<strong>{conversation.title}</strong>” and all its messages will be removed from this computer. This cannot be undone.
      </p>
      <p className="muted">What its calls cost stays in Usage: the usage history is kept separately.</p>
    </ConfirmDialog>
  );
}
