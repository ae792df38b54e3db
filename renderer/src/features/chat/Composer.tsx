import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatMessage } from '../../../../shared/contract/index.js';
import { useBridge } from '../../bridge/context.js';
import type { Conversation } from '../../db/schema.js';
import { conversationStore } from '../conversations/store.js';
import { toChatTarget } from '../conversations/targets.js';
import { ChatIcon } from './ChatIcon.js';
import { formatCostRange, formatTokenCount } from './format.js';

const DRAFT_SAVE_MS = 400;
const ESTIMATE_MS = 600;

export interface ComposerProps {
  conversation: Conversation;
  /** The history as it would be sent now (for the estimate). */
  history: ChatMessage[];
  running: boolean;
  stopping: boolean;
  /** Why sending is not possible right now (the model was removed), or null. */
  blocked: string | null;
  onSend(text: string): Promise<boolean>;
  onStop(): void;
}

type Estimate = { kind: 'none' } | { kind: 'loading' } | { kind: 'ok'; promptTokens: number; maxOutputTokens: number; min: number | null; max: number | null } | { kind: 'failed' };

/**
 * The message box: Enter sends, Shift+Enter adds a line, Escape stops a running answer. The draft
 * is saved per conversation as you type; the next turn's cost is estimated under it.
 */
export function Composer({ conversation, history, running, stopping, blocked, onSend, onStop }: ComposerProps) {
  const bridge = useBridge();
  const [text, setText] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [sending, setSending] = useState(false);
  const [estimate, setEstimate] = useState<Estimate>({ kind: 'none' });
  const textRef = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const estimateId = useId();
  const id = conversation.id;

  // Load the draft once; the component is keyed by conversation.
  useEffect(() => {
    let alive = true;
    void conversationStore()
      .getDraft(id)
      .then((draft) => {
        if (!alive) return;
        setText((t) => (t === '' ? draft : t));
        setLoaded(true);
      })
      .catch(() => setLoaded(true));
    textRef.current?.focus();
    return () => {
      alive = false;
    };
  }, [id]);

  // Save as you type (debounced), and whatever is left when leaving the conversation.
  const latest = useRef(text);
  latest.current = text;
  useEffect(() => {
    if (!loaded) return;
    const t = setTimeout(() => void conversationStore().saveDraft(id, text).catch(() => undefined), DRAFT_SAVE_MS);
    return () => clearTimeout(t);
  }, [text, id, loaded]);
  useEffect(
    () => () => {
      if (loaded) void conversationStore().saveDraft(id, latest.current).catch(() => undefined);
    },
    [id, loaded],
  );

  // The next turn's cost, once typing pauses.
  const target = JSON.stringify(toChatTarget(conversation.target));
  const params = JSON.stringify(conversation.params);
  const historyKey = `${history.length}:${history[history.length - 1]?.content.length ?? 0}`;
  const historyRef = useRef(history);
  historyRef.current = history;
  useEffect(() => {
    // A conversation that cannot send (its key was deleted) has no next turn to price.
    if (text.trim() === '' || blocked !== null) {
      setEstimate({ kind: 'none' });
      return;
    }
    const controller = new AbortController();
    const t = setTimeout(() => {
      setEstimate((e) => (e.kind === 'ok' ? e : { kind: 'loading' }));
      const p = JSON.parse(params) as Conversation['params'];
      bridge
        .call(
          'chat.estimate',
          {
            ...(target !== 'null' ? { target: JSON.parse(target) as NonNullable<ReturnType<typeof toChatTarget>> } : {}),
            ...(conversation.agentId ? { agentId: conversation.agentId } : {}),
            ...(conversation.agentId && target === 'null' && conversation.powerLevel ? { powerLevel: conversation.powerLevel } : {}),
            messages: [...historyRef.current, { role: 'user', content: text }],
            ...(p.temperature !== undefined || p.maxTokens !== undefined ? { params: p } : {}),
          },
          { signal: controller.signal },
        )
        .then(
          (r) => setEstimate({ kind: 'ok', promptTokens: r.promptTokens, maxOutputTokens: r.maxOutputTokens, min: r.minCostUsd, max: r.maxCostUsd }),
          () => {
            if (!controller.signal.aborted) setEstimate({ kind: 'failed' });
          },
        );
    }, ESTIMATE_MS);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [text, target, params, historyKey, bridge, conversation.agentId, conversation.powerLevel, blocked]);

  const canSend = !running && !sending && blocked === null && text.trim() !== '';
  const send = async () => {
    if (!canSend) return;
    const message = text.trim();
    setSending(true);
    setText('');
    void conversationStore().saveDraft(id, '').catch(() => undefined);
    const ok = await onSend(message);
    // A message that could not even be stored goes back into the box.
    if (!ok) setText((t) => (t === '' ? message : t));
    setSending(false);
    textRef.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape' && running) {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <div className="composer">
      <div className={`composer-box ${running ? 'is-running' : ''}`}>
        <label htmlFor={`${hintId}-input`} className="visually-hidden">
          Message
        </label>
        <textarea
          id={`${hintId}-input`}
          ref={textRef}
          className="composer-input"
          rows={1}
          value={text}
          placeholder={blocked ? 'Choose another model to continue' : running ? 'Write your next message; it can be sent when the answer is done' : 'Message'}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          aria-describedby={`${hintId} ${estimateId}`}
          maxLength={2_000_000}
          spellCheck
        />
        {running ? (
          <button
            type="button"
            className="btn btn-secondary composer-stop"
            onClick={onStop}
            disabled={stopping}
            title="Stop the answer (Esc)"
            aria-keyshortcuts="Escape"
          >
            <ChatIcon name="stop" size={12} />
            <span className="btn-label">{stopping ? 'Stopping…' : 'Stop'}</span>
          </button>
        ) : (
          <button type="button" className="btn btn-primary composer-send" onClick={() => void send()} disabled={!canSend} title="Send (Enter)" aria-keyshortcuts="Enter">
            <ChatIcon name="send" size={15} />
            <span className="btn-label">Send</span>
          </button>
        )}
      </div>
      <div className="composer-foot">
        <p id={hintId} className="composer-hint">
          {running ? 'Esc stops the answer' : 'Enter sends · Shift+Enter for a new line'}
        </p>
        <p id={estimateId} className="composer-estimate" aria-live="polite">
          <EstimateText estimate={estimate} />
        </p>
      </div>
    </div>
  );
}

function EstimateText({ estimate }: { estimate: Estimate }) {
  switch (estimate.kind) {
    case 'none':
      return null;
    case 'loading':
      return <span className="muted">Estimating the cost…</span>;
    case 'failed':
      return <span className="muted">No cost estimate right now</span>;
    case 'ok':
      return (
        <span title={`The prompt is about ${formatTokenCount(estimate.promptTokens)} tokens; the answer may use up to ${formatTokenCount(estimate.maxOutputTokens)} tokens.`}>
          Next turn ≈ {formatTokenCount(estimate.promptTokens)} tokens in · {formatCostRange(estimate.min, estimate.max)}
        </span>
      );
  }
}
