import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useBridge } from '../../bridge/context.js';
import { fieldMessage } from '../../bridge/errors.js';
import type { Conversation, MessageError } from '../../db/schema.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { toast } from '../../state/toast-store.js';
import { Button } from '../../ui/Button.js';
import { Callout } from '../../ui/Callout.js';
import { Icon } from '../../ui/Icon.js';
import { openChangeModel } from '../conversations/change-model.js';
import { useMessages } from '../conversations/hooks.js';
import { useModelSettingsRequest } from '../conversations/ModelSettingsPopover.js';
import { openSession } from '../conversations/NewConversationDialog.js';
import { paramField } from '../conversations/params.js';
import { targetLabel } from '../conversations/targets.js';
import { Composer } from './Composer.js';
import { buildHistory } from './history.js';
import type { MessageActions } from './MessageItem.js';
import { MessageList, type MessageListHandle } from './MessageList.js';
import { isRunning } from './stream-state.js';
import { rerunAnswer, sendUserMessage, settleOrphans, skipModel, stopTurn } from './turn-runner.js';
import { useLiveTurn } from './turn-store.js';

const KEY_EVENTS = ['keys.changed', 'vault.changed'] as const;

/** The conversation body: its messages (streaming in as they are written) and the composer. */
export function ChatPanel({ conversation }: { conversation: Conversation }) {
  const bridge = useBridge();
  const messages = useMessages(conversation.id);
  const live = useLiveTurn(conversation.id);
  const running = isRunning(live);
  const list = useRef<MessageListHandle>(null);
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: KEY_EVENTS });

  const keyLabels = useMemo(() => new Map((keys.data?.keys ?? []).map((k) => [k.id, k.label] as const)), [keys.data]);
  const target = conversation.target;
  const keyGone = target.kind === 'key' && keys.data !== undefined && !keys.data.keys.some((k) => k.id === target.keyId);

  // Tell the core which model this conversation uses (unless its session was ended: reopening it would hide that).
  const ended = conversation.ended !== undefined;
  const sessionKey = `${conversation.id}/${target.kind === 'key' ? `${target.keyId}/${target.model}` : 'system'}/${ended}`;
  const convRef = useRef(conversation);
  convRef.current = conversation;
  useEffect(() => {
    // Once per conversation and model, not on every change of the conversation record.
    if (!convRef.current.ended) void openSession(bridge, convRef.current);
  }, [bridge, sessionKey]);

  // Answers a closed or reloaded page left "streaming" are settled once, when the conversation opens.
  const orphansChecked = useRef<string | null>(null);
  useEffect(() => {
    if (!messages || orphansChecked.current === conversation.id) return;
    orphansChecked.current = conversation.id;
    void settleOrphans(bridge, conversation.id, messages);
  }, [messages, bridge, conversation.id]);

  const fail = (err: unknown) => toast.error('Could not save the message', err instanceof Error ? err.message : 'The browser’s storage refused the write.');

  const actions = useMemo<MessageActions>(
    () => ({
      retry: (id) => void rerunAnswer(bridge, convRef.current, id).catch(fail),
      regenerate: (id) => void rerunAnswer(bridge, convRef.current, id).catch(fail),
      changeModel: () => openChangeModel(convRef.current.id),
      openSettings: (error: MessageError) => {
        const field = paramField(error.field);
        useModelSettingsRequest.getState().open(convRef.current.id, field ? { [field]: fieldMessage(error.message, error.field) } : undefined);
      },
      skip: () => void skipModel(bridge, convRef.current.id),
    }),
    [bridge],
  );

  const onSend = useCallback(
    async (text: string): Promise<boolean> => {
      list.current?.scrollToEnd();
      try {
        await sendUserMessage(bridge, convRef.current, text);
        return true;
      } catch (err) {
        fail(err);
        return false;
      }
    },
    [bridge],
  );
  const onStop = useCallback(() => void stopTurn(bridge, convRef.current.id), [bridge]);

  const history = useMemo(() => buildHistory(messages ?? []), [messages]);
  const blocked = ended || keyGone ? 'The model of this conversation is no longer available.' : null;

  // Escape anywhere in the conversation stops the running answer (dialogs handle their own Escape first).
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape' && running && !e.defaultPrevented) {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <section className="chat-panel" aria-label={`Messages in ${conversation.title}`} onKeyDown={onKeyDown}>
      {ended || keyGone ? (
        <div className="chat-banner">
          <Callout
            tone="warning"
            title={ended ? 'This conversation’s session was ended' : 'The key this conversation uses was deleted'}
            action={
              <Button size="sm" variant="primary" icon="spark" onClick={() => openChangeModel(conversation.id)}>
                Choose another model
              </Button>
            }
          >
            <p>
              {ended ? `${sentence(conversation.ended!.reason)} ` : ''}
              {targetLabel(conversation.target)} cannot answer any more. Pick another model to continue; earlier answers stay as they are.
            </p>
          </Callout>
        </div>
      ) : null}
      {messages === undefined ? (
        <div className="message-list" aria-busy="true" />
      ) : messages.length === 0 ? (
        <div className="chat-empty">
          <Icon name="chat" size={28} />
          <h2>Start the conversation</h2>
          <p>
            Messages go to <strong>{targetLabel(conversation.target)}</strong>. Each answer shows its tokens and cost.
          </p>
        </div>
      ) : (
        <MessageList
          ref={list}
          messages={messages}
          live={live}
          running={running}
          keyLabels={keyLabels}
          actions={actions}
          label={`Conversation: ${conversation.title}`}
        />
      )}
      <Composer
        key={conversation.id}
        conversation={conversation}
        history={history}
        running={running}
        stopping={live?.phase === 'stopping'}
        blocked={blocked}
        onSend={onSend}
        onStop={onStop}
      />
    </section>
  );
}

function sentence(text: string): string {
  const t = text.trim();
  return t === '' ? '' : /[.!?]$/.test(t) ? t : `${t}.`;
}
