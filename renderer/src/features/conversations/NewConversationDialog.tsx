import { useRef, useState } from 'react';
import { useBridge } from '../../bridge/context.js';
import type { Bridge } from '../../bridge/types.js';
import type { Conversation, ConversationTarget } from '../../db/schema.js';
import { Callout } from '../../ui/Callout.js';
import { Dialog, DialogActions } from '../../ui/Dialog.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { Field } from '../../ui/Field.js';
import { FallbackSelect } from '../models/FallbackSelect.js';
import { fallbackTarget, fallbackValue } from '../models/fallbacks.js';
import { ModelPicker, type PickerResult } from '../models/ModelPicker.js';
import { usePickerData } from '../models/usePickerData.js';
import { startConversation } from './actions.js';
import { conversationStore, DEFAULT_AGENT } from './store.js';
import { toChatTarget } from './targets.js';

/** Tells the core which model the conversation uses, so deleting its key ends it with a reason. Best effort: chat.send opens it too. */
export async function openSession(bridge: Bridge, conversation: Pick<Conversation, 'id' | 'target' | 'fallbacks' | 'agent'>): Promise<void> {
  const fallbacks = (conversation.fallbacks ?? []).map(toChatTarget);
  try {
    await bridge.call('sessions.open', {
      sessionId: conversation.id,
      target: toChatTarget(conversation.target),
      ...(fallbacks.length > 0 ? { fallbacks } : {}),
      ...(conversation.agent.trim() ? { agent: conversation.agent.trim().slice(0, 200) } : {}),
    });
  } catch {
    /* not needed to chat: the first turn registers the session */
  }
}

/** "New conversation": an agent or purpose name, the model (picker) and an optional fallback. */
export function NewConversationDialog({ onClose }: { onClose(): void }) {
  const bridge = useBridge();
  const data = usePickerData();
  const [agent, setAgent] = useState('');
  const [picked, setPicked] = useState<PickerResult | null>(null);
  const [fallback, setFallback] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, composerWhenDone] = useComposerFocusWhenDone();

  const create = async () => {
    if (!picked || 'problem' in picked) return;
    setBusy(true);
    setError(null);
    const fb = fallbackTarget(fallback, data.groups?.configured ?? []);
    const fallbacks: ConversationTarget[] = fb ? [fb] : [];
    const name = agent.trim() || DEFAULT_AGENT;
    try {
      const conversation = await startConversation({ agent: name, target: picked.target, fallbacks });
      if (conversation) {
        await openSession(bridge, conversation);
        done.current = true;
        onClose();
      } else setBusy(false);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const ready = picked !== null && 'target' in picked;
  const systemUnavailable = ready && picked.target.kind === 'system' && data.systemDefault?.available === false;
  return (
    <Dialog
      title="New conversation"
      size="lg"
      busy={busy}
      onClose={onClose}
      focusAfterClose={composerWhenDone}
      onSubmit={() => void create()}
      className="new-conversation-dialog"
      status={
        <>
          {systemUnavailable ? (
            <Callout tone="warning" title="The system default cannot answer yet">
              You can start the conversation, but sending will fail until a key is set in the environment or you pick one of your models.
            </Callout>
          ) : null}
          {error ? <ErrorNotice error={error} /> : null}
        </>
      }
      footer={<DialogActions submitLabel="Start conversation" onCancel={onClose} busy={busy} disabled={!ready} />}
    >
      <Field label="Agent or purpose" optional help="A name for what this conversation is for, e.g. “Code review”. Usage is grouped by it.">
        {(props) => (
          <input
            {...props}
            className="input"
            value={agent}
            maxLength={200}
            placeholder={DEFAULT_AGENT}
            onChange={(e) => setAgent(e.currentTarget.value)}
            data-autofocus
            autoComplete="off"
          />
        )}
      </Field>
      <ModelPicker data={data} onChange={setPicked} onNavigate={onClose} />
      <FallbackSelect data={data} value={fallback} onChange={setFallback} />
    </Dialog>
  );
}

/** Changes a conversation's model (after its key was deleted, or by choice); history keeps who answered each message. */
export function ChangeModelDialog({ conversation, onClose }: { conversation: Conversation; onClose(): void }) {
  const bridge = useBridge();
  const data = usePickerData();
  const current = conversation.fallbacks?.[0];
  const [picked, setPicked] = useState<PickerResult | null>(null);
  const [fallback, setFallback] = useState(fallbackValue(current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, composerWhenDone] = useComposerFocusWhenDone();

  const save = async () => {
    if (!picked || 'problem' in picked) return;
    setBusy(true);
    setError(null);
    const fb = current && fallback === fallbackValue(current) ? current : fallbackTarget(fallback, data.groups?.configured ?? []);
    const next = { target: picked.target, fallbacks: fb ? [fb] : undefined, ended: undefined };
    try {
      await conversationStore().update(conversation.id, next);
      await openSession(bridge, { ...conversation, target: picked.target, ...(fb ? { fallbacks: [fb] } : { fallbacks: [] }) });
      done.current = true;
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const ready = picked !== null && 'target' in picked;
  return (
    <Dialog
      title="Change model"
      description="Later messages use the new model. Earlier answers keep showing the model that wrote them."
      size="lg"
      busy={busy}
      onClose={onClose}
      focusAfterClose={composerWhenDone}
      onSubmit={() => void save()}
      className="change-model-dialog"
      status={error ? <ErrorNotice error={error} /> : undefined}
      footer={<DialogActions submitLabel="Use this model" onCancel={onClose} busy={busy} disabled={!ready} />}
    >
      <ModelPicker data={data} initial={conversation.target} onChange={setPicked} onNavigate={onClose} />
      <FallbackSelect data={data} value={fallback} onChange={setFallback} current={current} />
    </Dialog>
  );
}

/** Once the conversation is ready the next thing is typing: focus goes to the message box, not back to the trigger. */
function useComposerFocusWhenDone() {
  const done = useRef(false);
  const focus = () => (done.current ? document.querySelector<HTMLElement>('.composer-input') : null);
  return [done, focus] as const;
}
