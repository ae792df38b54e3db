import type { KeyInfo } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import { useBridge } from '../../bridge/context.js';
import type { Conversation, ConversationTarget } from '../../db/schema.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { toast } from '../../state/toast-store.js';
import { Button } from '../../ui/Button.js';
import { Callout } from '../../ui/Callout.js';
import { openChangeModel } from '../conversations/change-model.js';
import { openSession } from '../conversations/NewConversationDialog.js';
import { conversationStore } from '../conversations/store.js';
import { targetLabel } from '../conversations/targets.js';
import { missingKeyReason } from './missing-key.js';

type KeyTarget = Extract<ConversationTarget, { kind: 'key' }>;

/** The banner over a conversation whose key is gone, with the way back that fits why it is gone. */
export function MissingKeyBanner({ conversation, target, keys }: { conversation: Conversation; target: KeyTarget; keys: readonly KeyInfo[] }) {
  const bridge = useBridge();
  const audit = useBridgeQuery('keys.audit', { keyId: target.keyId, limit: 100 }, { refreshOn: ['keys.changed'] });
  const vault = useBridgeQuery('vault.status', {}, { refreshOn: ['vault.changed'] });
  if (audit.data === undefined && audit.error === undefined) return null;
  const reason = missingKeyReason(audit.data?.entries ?? [], vault.data);
  const provider = providerSpec(target.provider).name;
  // After the key was entered again it has a new id: offer to carry on with it.
  const replacement = keys.find((k) => k.provider === target.provider && k.status !== 'locked' && k.label === target.keyLabel) ?? keys.find((k) => k.provider === target.provider && k.status !== 'locked');

  const continueWith = async (key: KeyInfo) => {
    const next: ConversationTarget = { ...target, keyId: key.id, keyLabel: key.label };
    try {
      await conversationStore().update(conversation.id, { target: next, ended: undefined });
      await openSession(bridge, { ...conversation, target: next });
    } catch (err) {
      toast.error('Could not change the key', err instanceof Error ? err.message : 'The browser’s storage refused the write.');
    }
  };

  const actions = (
    <div className="chat-banner-actions">
      {replacement ? (
        <Button size="sm" variant="primary" onClick={() => void continueWith(replacement)}>
          Continue with key “{replacement.label}”
        </Button>
      ) : reason === 'session-only' ? (
        <Link to={paths.settings('keys')} className="btn btn-primary btn-sm">
          Re-enter the key
        </Link>
      ) : null}
      {reason === 'session-only' && vault.data?.actions.includes('set-passphrase') ? (
        <Link to={paths.settings('keys')} className="btn btn-secondary btn-sm">
          Set a passphrase
        </Link>
      ) : null}
      <Button size="sm" variant={replacement || reason === 'session-only' ? 'ghost' : 'primary'} icon="spark" onClick={() => openChangeModel(conversation.id)}>
        Choose another model
      </Button>
    </div>
  );

  if (reason === 'session-only') {
    return (
      <Callout tone="warning" title="Keys were kept for the last session only">
        <p>
          The {provider} key “{target.keyLabel}” was not deleted: without a passphrase or keychain, keys are kept in memory only while Switchboard runs, so it is gone since the
          restart.{' '}
          {replacement
            ? `${provider} has a key again: continue with it, and set a passphrase in Settings so keys are saved from now on.`
            : 'Enter the key again in Settings, or set a passphrase there so keys are saved from now on.'}{' '}
          Earlier answers stay as they are.
        </p>
        {actions}
      </Callout>
    );
  }
  return (
    <Callout tone="warning" title={reason === 'deleted' ? 'The key this conversation uses was deleted' : 'The key this conversation uses is no longer saved'}>
      <p>{targetLabel(conversation.target)} cannot answer any more. Pick another model to continue; earlier answers stay as they are.</p>
      {actions}
    </Callout>
  );
}
