import { useState, type KeyboardEvent } from 'react';
import type { Conversation } from '../db/schema.js';
import { useSessionEndedListener } from '../features/chat/session-events.js';
import { useLiveTurn } from '../features/chat/turn-store.js';
import { isRunning } from '../features/chat/stream-state.js';
import { renameConversation } from '../features/conversations/actions.js';
import { DeleteConversationDialog } from '../features/conversations/DeleteConversationDialog.js';
import { useConversations } from '../features/conversations/hooks.js';
import { NewConversationDialog } from '../features/conversations/NewConversationDialog.js';
import { useNewConversation } from '../features/conversations/new-conversation.js';
import { targetLabel, targetShortLabel } from '../features/conversations/targets.js';
import { useRoute } from '../router/navigation.js';
import { Link } from '../router/Link.js';
import { paths } from '../router/routes.js';
import { Button, IconButton } from '../ui/Button.js';
import { Icon, type IconName } from '../ui/Icon.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { relativeTime } from '../ui/format.js';
import { useNow } from '../hooks/useNow.js';

export function Sidebar() {
  const route = useRoute();
  const conversations = useConversations();
  const newOpen = useNewConversation((s) => s.open);
  const showNew = useNewConversation((s) => s.show);
  const hideNew = useNewConversation((s) => s.hide);
  const newAgent = useNewConversation((s) => s.agentId);
  // Re-render each minute so "5 min ago" stays true.
  const now = useNow(60_000);
  // The sidebar lives as long as the connection: it keeps session-ended notices for every conversation.
  useSessionEndedListener();

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Switchboard</span>
      </div>
      <div className="sidebar-actions">
        <Button variant="primary" icon="plus" onClick={() => showNew()} className="btn-block" aria-haspopup="dialog">
          New conversation
        </Button>
      </div>
      {newOpen ? <NewConversationDialog onClose={hideNew} agentId={newAgent} /> : null}
      <h2 className="sidebar-heading" id="conversations-heading">
        Conversations
      </h2>
      <div className="sidebar-list-wrap">
        {conversations === undefined ? null : conversations.length === 0 ? (
          <p className="sidebar-empty">No conversations yet.</p>
        ) : (
          <ul className="conversation-list" aria-labelledby="conversations-heading">
            {conversations.map((c) => (
              <ConversationItem key={c.id} conversation={c} now={now} active={route.name === 'conversation' && route.id === c.id} />
            ))}
          </ul>
        )}
      </div>
      <ul className="sidebar-nav">
        <NavItem to={paths.agents()} icon="chat" label="Agents" active={route.name === 'agents'} />
        <NavItem to={paths.models()} icon="spark" label="Models" active={route.name === 'models'} />
        <NavItem to={paths.usage()} icon="chart" label="Usage" active={route.name === 'usage'} />
        <NavItem to={paths.settings()} icon="settings" label="Settings" active={route.name === 'settings'} />
        <NavItem to={paths.about()} icon="info" label="About" active={route.name === 'about'} />
      </ul>
    </nav>
  );
}

function NavItem({ to, icon, label, active }: { to: string; icon: IconName; label: string; active: boolean }) {
  return (
    <li>
      <Link to={to} className={`nav-link ${active ? 'is-active' : ''}`} aria-current={active ? 'page' : undefined}>
        <Icon name={icon} size={17} />
        <span>{label}</span>
      </Link>
    </li>
  );
}

function ConversationItem({ conversation, active, now }: { conversation: Conversation; active: boolean; now: number }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const answering = isRunning(useLiveTurn(conversation.id));

  const onKeyDown = (e: KeyboardEvent<HTMLAnchorElement>) => {
    if (e.key === 'F2') {
      e.preventDefault();
      setEditing(true);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      setDeleting(true);
    }
  };

  return (
    <li className={`conversation-item ${active ? 'is-active' : ''} ${editing ? 'is-editing' : ''}`}>
      {editing ? (
        <InlineEdit
          value={conversation.title}
          label="Conversation title"
          onSave={(title) => renameConversation(conversation.id, title)}
          onDone={() => setEditing(false)}
        />
      ) : (
        <>
          <Link
            to={paths.conversation(conversation.id)}
            className="conversation-link"
            aria-current={active ? 'page' : undefined}
            onKeyDown={onKeyDown}
            onDoubleClick={() => setEditing(true)}
            title={conversation.title}
          >
            <span className="conversation-title">{conversation.title}</span>
            <span className="conversation-meta">
              <span className="conversation-meta-model" title={targetLabel(conversation.target)}>
                {targetShortLabel(conversation.target)}
              </span>
              <span className="conversation-meta-time">
                <span className="visually-hidden">, </span>
                {answering ? 'answering…' : relativeTime(conversation.updatedAt, now)}
              </span>
            </span>
          </Link>
          <span className="conversation-actions">
            <IconButton icon="pencil" label={`Rename “${conversation.title}”`} onClick={() => setEditing(true)} />
            <IconButton icon="trash" label={`Delete “${conversation.title}”`} onClick={() => setDeleting(true)} />
          </span>
        </>
      )}
      {deleting ? <DeleteConversationDialog conversation={conversation} onClose={() => setDeleting(false)} /> : null}
    </li>
  );
}

