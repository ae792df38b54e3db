import { useState } from 'react';
import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { ChatPanel } from '../chat/ChatPanel.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { IconButton } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { InlineEdit } from '../../ui/InlineEdit.js';
import { renameConversation } from './actions.js';
import { DeleteConversationDialog } from './DeleteConversationDialog.js';
import { useConversation } from './hooks.js';
import { ModelSettingsPopover } from './ModelSettingsPopover.js';
import { ChangeModelDialog } from './NewConversationDialog.js';
import { targetLabel, targetParts } from './targets.js';
import { useChangeModel } from './change-model.js';
import type { Conversation } from '../../db/schema.js';
import { ConversationCost } from '../usage/ConversationCost.js';

export function ConversationPage({ id }: { id: string }) {
  const conversation = useConversation(id);
  useDocumentTitle(conversation ? conversation.title : conversation === null ? 'Not found' : null);
  if (conversation === undefined) return <div className="page" aria-busy="true" />;
  if (conversation === null) {
    return (
      <div className="page page-centered">
        <div className="empty-state">
          <h1>Conversation not found</h1>
          <p>It may have been deleted, or it was created in another browser profile.</p>
          <Link to={paths.home()} className="btn btn-primary">
            Go to the start page
          </Link>
        </div>
      </div>
    );
  }
  return (
    <div className="page conversation-page">
      <ConversationHeader conversation={conversation} />
      <ChatPanel conversation={conversation} />
    </div>
  );
}

/** Title (rename in place), the model in use (click to change) and its settings. */
function ConversationHeader({ conversation }: { conversation: Conversation }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const changing = useChangeModel((s) => s.conversationId === conversation.id);
  const setChanging = useChangeModel((s) => s.set);
  const parts = targetParts(conversation.target);
  return (
    <header className="conversation-header">
      <div className="conversation-heading">
        {editing ? (
          <InlineEdit
            className="inline-edit-title"
            value={conversation.title}
            label="Conversation title"
            onSave={(title) => renameConversation(conversation.id, title)}
            onDone={() => setEditing(false)}
          />
        ) : (
          <h1 className="conversation-name" onDoubleClick={() => setEditing(true)}>
            {conversation.title}
          </h1>
        )}
        <div className="conversation-model">
          <button
            type="button"
            className="conversation-model-button"
            onClick={() => setChanging(conversation.id)}
            title={`${targetLabel(conversation.target)}. Click to change the model.`}
            aria-label={`Model: ${targetLabel(conversation.target)}. Change model`}
          >
            <Icon name="spark" size={14} />
            <span className="conversation-model-name">{parts.model}</span>
            {parts.provider ? <span className="conversation-model-provider">{parts.provider}</span> : null}
            {parts.key ? (
              <span className="conversation-model-key">
                key {parts.key}
                {conversation.ended ? ' (deleted)' : ''}
              </span>
            ) : null}
          </button>
          {conversation.agent && conversation.agent !== 'chat' ? <span className="conversation-agent">{conversation.agent}</span> : null}
        </div>
      </div>
      <div className="conversation-tools">
        <ConversationCost sessionId={conversation.id} />
        <ModelSettingsPopover conversation={conversation} />
        <IconButton icon="pencil" label="Rename conversation" onClick={() => setEditing(true)} disabled={editing} size="md" />
        <IconButton icon="trash" label="Delete conversation" onClick={() => setDeleting(true)} size="md" />
      </div>
      {deleting ? <DeleteConversationDialog conversation={conversation} onClose={() => setDeleting(false)} /> : null}
      {changing ? <ChangeModelDialog conversation={conversation} onClose={() => setChanging(null)} /> : null}
    </header>
  );
}
