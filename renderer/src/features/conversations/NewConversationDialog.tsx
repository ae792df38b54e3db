import { useRef, useState } from 'react';
import type { Agent, ChatMessage, PowerLevel } from '../../../../shared/contract/index.js';
import { useBridge } from '../../bridge/context.js';
import { describeError } from '../../bridge/errors.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { describeChatTarget, LEVEL_LABEL } from '../agents/agent-format.js';
import { PowerLevelPicker } from '../agents/PowerLevelPicker.js';
import { formatCostRange } from '../chat/format.js';
import { useModelInfo } from '../models/usePickerData.js';
import { formatPricePerMillion } from '../usage/money.js';
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
import { agentTarget, toChatTarget } from './targets.js';

/** Tells the core which model the conversation uses, so deleting its key ends it with a reason. Best effort: chat.send opens it too. */
export async function openSession(bridge: Bridge, conversation: Pick<Conversation, 'id' | 'target' | 'fallbacks' | 'agent'>): Promise<void> {
  const fallbacks = (conversation.fallbacks ?? []).flatMap((f) => toChatTarget(f) ?? []);
  const target = toChatTarget(conversation.target);
  // An agent's choice of model is settled by the first turn, which registers the session itself.
  if (!target) return;
  try {
    await bridge.call('sessions.open', {
      sessionId: conversation.id,
      target,
      ...(fallbacks.length > 0 ? { fallbacks } : {}),
      ...(conversation.agent.trim() ? { agent: conversation.agent.trim().slice(0, 200) } : {}),
    });
  } catch {
    /* not needed to chat: the first turn registers the session */
  }
}

/** "New conversation": an agent (its model and cost shown, power levels side by side) or a purpose name, and the model. */
export function NewConversationDialog({ onClose, agentId: presetAgent }: { onClose(): void; agentId?: string | null }) {
  const bridge = useBridge();
  const data = usePickerData();
  const agents = useBridgeQuery('agents.list', {}, { refreshOn: ['agents.changed'] });
  const [agentId, setAgentId] = useState(presetAgent ?? '');
  const [purpose, setPurpose] = useState('');
  const [picked, setPicked] = useState<PickerResult | null>(null);
  const [fallback, setFallback] = useState('');
  const [ownModel, setOwnModel] = useState(false);
  const [level, setLevel] = useState<PowerLevel | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, composerWhenDone] = useComposerFocusWhenDone();
  const agent = agents.data?.agents.find((a) => a.id === agentId) ?? null;
  const byLevel = agent !== null && !agent.target;
  const useAgentModel = agent !== null && !ownModel;
  const chosenLevel = level ?? agent?.powerLevel ?? 'balanced';

  const create = async () => {
    if (!useAgentModel && (!picked || 'problem' in picked)) return;
    setBusy(true);
    setError(null);
    const fb = useAgentModel ? null : fallbackTarget(fallback, data.groups?.configured ?? []);
    const fallbacks: ConversationTarget[] = fb ? [fb] : [];
    const target: ConversationTarget = useAgentModel ? agentTarget(byLevel ? `${agent!.name} · ${LEVEL_LABEL[chosenLevel]}` : agent!.name) : (picked as { target: ConversationTarget }).target;
    try {
      const conversation = await startConversation({
        agent: agent ? agent.name : purpose.trim() || DEFAULT_AGENT,
        ...(agent ? { agentId: agent.id } : {}),
        ...(agent && byLevel && useAgentModel ? { powerLevel: chosenLevel } : {}),
        target,
        fallbacks,
      });
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

  const ready = useAgentModel || (picked !== null && 'target' in picked);
  const systemUnavailable = !useAgentModel && ready && picked !== null && 'target' in picked && picked.target.kind === 'system' && data.systemDefault?.available === false;
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
      <Field label="Agent" help="An agent brings its instructions, its model and the tools it may use.">
        {(props) => (
          <select {...props} className="input" value={agentId} onChange={(e) => { setAgentId(e.currentTarget.value); setLevel(null); setOwnModel(false); }} data-autofocus>
            <option value="">No agent: just chat</option>
            {(agents.data?.agents ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.builtin ? ' (built-in)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      {agent ? (
        <AgentSummary agent={agent} />
      ) : (
        <Field label="Agent or purpose" optional help="A name for what this conversation is for, e.g. “Code review”. Usage is grouped by it.">
          {(props) => <input {...props} className="input" value={purpose} maxLength={200} placeholder={DEFAULT_AGENT} onChange={(e) => setPurpose(e.currentTarget.value)} autoComplete="off" />}
        </Field>
      )}
      {agent && !ownModel ? (
        byLevel ? (
          <fieldset className="agent-fieldset">
            <legend className="field-label">Power level</legend>
            <PowerLevelPicker value={chosenLevel} onChange={setLevel} needsTools={agent.tools.length > 0} {...(agent.params.maxTokens ? { maxTokens: agent.params.maxTokens } : {})} onNavigate={onClose} />
          </fieldset>
        ) : (
          <AgentModelCost agent={agent} />
        )
      ) : null}
      {agent ? (
        <label className="check-row">
          <input type="checkbox" checked={ownModel} onChange={(e) => setOwnModel(e.currentTarget.checked)} />
          Use another model for this conversation
        </label>
      ) : null}
      {!agent || ownModel ? (
        <>
          <ModelPicker data={data} onChange={setPicked} onNavigate={onClose} />
          <FallbackSelect data={data} value={fallback} onChange={setFallback} />
        </>
      ) : null}
    </Dialog>
  );
}

const SAMPLE: ChatMessage[] = [{ role: 'user', content: 'Hello! Can you help me with a question?' }];

/** The agent's description and tools. */
function AgentSummary({ agent }: { agent: Agent }) {
  const tools = useBridgeQuery('tools.list', {}, { enabled: agent.tools.length > 0 });
  return (
    <div className="agent-summary">
      {agent.description ? <p>{agent.description}</p> : null}
      {agent.tools.length > 0 ? (
        <p className="muted">
          Tools: {agent.tools.map((id) => tools.data?.tools.find((t) => t.id === id)?.title ?? id).join(', ')} (each call asks you first, unless you allow it for the conversation)
        </p>
      ) : null}
    </div>
  );
}

/** An agent with a named model: which one, its prices and what the first turn may cost. */
function AgentModelCost({ agent }: { agent: Agent }) {
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: ['keys.changed'] });
  const estimate = useBridgeQuery('chat.estimate', { agentId: agent.id, messages: SAMPLE }, { refreshOn: ['keys.changed'] });
  const info = useModelInfo(estimate.data?.provider ?? null, estimate.data?.model ?? null);
  const e = estimate.data;
  return (
    <div className="agent-model-cost" data-testid="agent-model-cost">
      <p>
        <span className="muted">Model: </span>
        {agent.target ? describeChatTarget(agent.target, keys.data?.keys ?? []) : '…'}
      </p>
      {info?.pricing ? (
        <p>
          <span className="muted">Price: </span>
          {formatPricePerMillion(info.pricing.input)} in · {formatPricePerMillion(info.pricing.output)} out per 1M tokens
        </p>
      ) : null}
      <p>
        <span className="muted">First turn: </span>
        {e ? formatCostRange(e.minCostUsd, e.maxCostUsd) : estimate.error ? describeError(estimate.error).message : '…'}
      </p>
    </div>
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
