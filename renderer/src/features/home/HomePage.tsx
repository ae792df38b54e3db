import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { openNewConversation } from '../conversations/new-conversation.js';
import { useConversations } from '../conversations/hooks.js';

/** The start page: a guided first run for new users, a short way back in for everyone else. */
export function HomePage() {
  useDocumentTitle(null);
  const conversations = useConversations();
  const providers = useBridgeQuery('providers.list', {}, { refreshOn: ['keys.changed', 'vault.changed'] });

  const keysReady = providers.data ? providers.data.providers.some((p) => p.configured || p.hasEnvironmentKey) : undefined;
  const hasConversations = conversations !== undefined && conversations.length > 0;

  const create = () => openNewConversation();

  if (conversations === undefined) return <div className="page" aria-busy="true" />;

  return (
    <div className="page page-centered home-page">
      <div className="welcome">
        <span className="welcome-mark" aria-hidden="true" />
        <h1>{hasConversations ? 'Welcome back' : 'Welcome to Switchboard'}</h1>
        <p className="lede">
          {hasConversations
            ? 'Pick a conversation on the left, or start a new one.'
            : 'Chat with the models you pay for, using your own provider keys. Keys stay on this computer, and every reply shows what it cost.'}
        </p>
        {keysReady === true && hasConversations ? (
          <Button variant="primary" icon="plus" onClick={create}>
            New conversation
          </Button>
        ) : (
          <ol className="steps" aria-label="Getting started">
            <li className={`step ${keysReady ? 'is-done' : ''}`}>
              <span className="step-marker" aria-hidden="true">
                {keysReady ? <Icon name="check" size={14} /> : '1'}
              </span>
              <div className="step-body">
                <h2>
                  Add a provider key
                  {keysReady ? <span className="visually-hidden"> (done)</span> : null}
                </h2>
                <p>
                  OpenAI, Anthropic, Gemini, OpenRouter, a local Ollama server and more. Each key is tested before it is saved and
                  kept encrypted.
                </p>
                <Link to={paths.settings('keys')} className={`btn ${keysReady ? 'btn-secondary' : 'btn-primary'}`}>
                  <Icon name="key" size={16} />
                  <span className="btn-label">{keysReady ? 'Manage keys' : 'Add a key in Settings'}</span>
                </Link>
              </div>
            </li>
            <li className="step">
              <span className="step-marker" aria-hidden="true">
                2
              </span>
              <div className="step-body">
                <h2>Start a conversation</h2>
                <p>Choose a model for each conversation. You can switch models and compare what they cost.</p>
                <Button variant={keysReady ? 'primary' : 'secondary'} icon="plus" onClick={create}>
                  New conversation
                </Button>
              </div>
            </li>
            <li className="step">
              <span className="step-marker" aria-hidden="true">
                3
              </span>
              <div className="step-body">
                <h2>Keep an eye on costs</h2>
                <p>
                  Every reply shows its tokens and cost. <Link to={paths.usage()}>Usage</Link> has the totals and a CSV export.
                </p>
              </div>
            </li>
          </ol>
        )}
      </div>
    </div>
  );
}
