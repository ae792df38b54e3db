import { memo, useId, useState } from 'react';
import { describeAttemptCounts } from '../../../../shared/attempt-counts.js';
import { isTeamKeyId, type Attempt } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import type { Message, MessageError, MessagePart } from '../../db/schema.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { paramField } from '../conversations/params.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { Spinner } from '../../ui/Spinner.js';
import { formatClock } from '../../ui/datetime.js';
import { formatLatency } from '../../ui/format.js';
import { useDisplayZone } from '../../state/time-zone-store.js';
import { useNow } from '../../hooks/useNow.js';
import { attemptKind, attemptOutcome, CALL_KIND_LABEL, targetName } from './call-kinds.js';
import { CopyAction } from './CopyAction.js';
import { formatCost, formatResetTime, formatTokenCount, usageParts, withoutCoreResetTime } from './format.js';
import { MarkdownText } from './Markdown.js';
import { hasTools } from './parts.js';
import { canSkip, needsAnotherModel, type LiveTurn, type Waiting } from './stream-state.js';
import { ToolCallCard } from './ToolCallCard.js';

export interface MessageActions {
  retry(messageId: string): void;
  regenerate(messageId: string): void;
  changeModel(): void;
  openSettings(error: MessageError): void;
  /** Sends a question whose turn got no answer with later messages again (true), or leaves it out. */
  include(messageId: string, include: boolean): void;
  /** Stop waiting for the current model and go on with the next one of the chain. */
  skip(): void;
}

/** How a user message stands in what later turns send: undefined when it is sent as usual. */
export type HistoryMark = 'left-out' | 'included' | undefined;

export interface MessageItemProps {
  message: Message;
  /** The running or just-settled turn, when it writes this message. */
  live: LiveTurn | undefined;
  /** The conversation's last message: only it can be retried or regenerated. */
  isLast: boolean;
  /** Another turn of the conversation is running. */
  busy: boolean;
  keyLabels: ReadonlyMap<string, string>;
  actions: MessageActions;
  /** User messages: whether later turns leave this one out (its turn got no answer). */
  history?: HistoryMark;
}

export const MessageItem = memo(function MessageItem({ message, live, isLast, busy, keyLabels, actions, history }: MessageItemProps) {
  if (message.role === 'user') {
    return (
      <article className={`message message-user ${history === 'left-out' ? 'is-left-out' : ''}`} aria-label="You wrote" data-history={history}>
        <div className="message-text">{message.content}</div>
        {history ? <HistoryNote messageId={message.id} mark={history} busy={busy} actions={actions} /> : null}
      </article>
    );
  }
  const streaming = message.status === 'streaming';
  const liveHere = live && live.messageId === message.id && streaming ? live : undefined;
  const text = liveHere ? liveHere.text : message.content;
  const parts = liveHere ? liveHere.parts : message.parts;
  const structured = hasTools(parts);
  return (
    <article
      className={`message message-assistant is-${message.status}`}
      aria-label={streaming ? 'Answer, being written' : message.status === 'cancelled' ? 'Answer, stopped' : message.status === 'error' ? 'Answer, failed' : 'Answer'}
      aria-busy={streaming || undefined}
      data-status={message.status}
    >
      {structured ? <AnswerParts parts={parts!} streamId={liveHere?.streamId ?? message.streamId} /> : text ? <MarkdownText text={text} /> : null}
      {streaming ? <StreamStatus live={live && live.messageId === message.id ? live : undefined} hasText={text !== ''} onSkip={actions.skip} /> : null}
      {message.status === 'cancelled' ? (
        <p className="message-stopped">
          <Badge tone="warning">stopped</Badge>
          <span>{text ? 'You stopped this answer; the text above is what arrived.' : 'You stopped this answer before any text arrived.'}</span>
        </p>
      ) : null}
      {message.status === 'error' && message.error ? (
        <TurnError
          error={message.error}
          canRetry={isLast && !busy}
          onRetry={() => actions.retry(message.id)}
          actions={actions}
          hasText={text !== ''}
          team={message.source === 'team' || (message.keyId !== undefined && isTeamKeyId(message.keyId))}
        />
      ) : null}
      {!streaming ? <MessageMeta message={message} keyLabels={keyLabels} /> : null}
      {!streaming ? (
        <div className="message-actions">
          {text ? <CopyAction text={text} label="Copy answer" /> : null}
          {isLast && message.status !== 'error' ? (
            <Button size="sm" variant="ghost" icon="refresh" onClick={() => actions.regenerate(message.id)} disabled={busy}>
              Regenerate
            </Button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
});

/** Under a question whose turn got no answer: whether later turns send it, and a switch. */
function HistoryNote({ messageId, mark, busy, actions }: { messageId: string; mark: 'left-out' | 'included'; busy: boolean; actions: MessageActions }) {
  const leftOut = mark === 'left-out';
  return (
    <p className="message-history-note">
      <span>{leftOut ? 'Left out of later turns: this turn got no answer, so the next messages are sent without it.' : 'Sent to the model with later messages, though it got no answer.'}</span>
      <button
        type="button"
        className="link-button"
        disabled={busy}
        onClick={() => actions.include(messageId, leftOut)}
        aria-label={leftOut ? 'Include this message in what the model sees' : 'Leave this message out of what the model sees'}
      >
        {leftOut ? 'Include' : 'Leave out'}
      </button>
    </p>
  );
}

/** An answer that used tools: its words with a card for each tool call where the model made it. */
function AnswerParts({ parts, streamId }: { parts: readonly MessagePart[]; streamId: string | undefined }) {
  const results = new Map(parts.flatMap((p) => (p.type === 'tool_result' ? [[p.callId, p] as const] : [])));
  return (
    <div className="answer-parts">
      {parts.map((p, i) => {
        if (p.type === 'text') return p.text.trim() === '' ? null : <MarkdownText key={i} text={p.text} />;
        if (p.type === 'tool_call') return <ToolCallCard key={p.id} call={p} result={results.get(p.id)} streamId={streamId} />;
        return null;
      })}
    </div>
  );
}

function StreamStatus({ live, hasText, onSkip }: { live: LiveTurn | undefined; hasText: boolean; onSkip(): void }) {
  const last = live?.attempts[live.attempts.length - 1];
  const waiting = live?.waiting ?? null;
  // The latest request is still out (no attempt has ended since it was sent).
  const pending = waiting !== null && live !== undefined && live.attempts.length === waiting.attemptsBefore;
  let label: string;
  const lastResult = [...(live?.parts ?? [])].reverse().find((p) => p.type === 'tool_result');
  const toolState = lastResult?.type === 'tool_result' ? lastResult.status : null;
  if (live?.phase === 'stopping') label = 'Stopping…';
  else if (live?.parts.some((p) => p.type === 'tool_result' && p.status === 'awaiting-approval')) label = 'Waiting for you to allow a tool…';
  else if (toolState === 'running') label = 'Running a tool…';
  else if (hasText) label = 'Writing…';
  else if (live?.skipping) label = 'Skipping to the next model…';
  else if (pending) label = `Waiting for ${waiting.model}`;
  else if (last && last.status !== 'ok') {
    const name = providerSpec(last.provider).name;
    label =
      last.status === 'skipped' || last.status === 'refused' || last.errorCode === 'SKIPPED_BY_USER'
        ? `${last.status === 'refused' ? 'A limit refused' : 'Skipped'} ${name} ${last.model}; trying the next model…`
        : `${name} ${last.model} failed (${last.errorCode ?? 'error'}); trying again…`;
  } else label = 'Waiting for the model…';
  const skippable = canSkip(live) && live?.phase !== 'stopping';
  return (
    <div className="message-streaming">
      <p className="message-streaming-line" role="status">
        <Spinner size={12} />
        <span>{label}</span>
        {pending && !hasText && !live?.skipping && live?.phase !== 'stopping' ? <WaitClock waiting={waiting} /> : null}
      </p>
      {skippable ? (
        <Button size="sm" variant="secondary" onClick={onSkip} title="Stop waiting for this model and ask the next one in the chain">
          Skip to {targetName(waiting!.skipTo!)}
        </Button>
      ) : null}
      <span className="message-streaming-hint">Esc stops</span>
    </div>
  );
}

/** Seconds waited for the first token, ticking; the limit after which Switchboard moves on by itself. */
function WaitClock({ waiting }: { waiting: Waiting }) {
  const now = useNow(1000);
  const seconds = Math.max(0, Math.floor((now - waiting.since) / 1000));
  const limit = waiting.firstTokenTimeoutMs === null ? null : Math.round(waiting.firstTokenTimeoutMs / 1000);
  return (
    <>
      {/* The count changes every second: shown, not announced (the status line above is). */}
      <span className="message-wait-time" aria-hidden="true" data-testid="wait-seconds">
        · {seconds} s
      </span>
      {limit !== null ? <span className="message-wait-limit">{waiting.skipTo ? `moves on after ${limit} s` : `gives up after ${limit} s`}</span> : null}
    </>
  );
}

function TurnError({
  error,
  canRetry,
  onRetry,
  actions,
  hasText,
  team,
}: {
  error: MessageError;
  canRetry: boolean;
  onRetry(): void;
  actions: MessageActions;
  hasText: boolean;
  /** The turn went through the team server: its budgets and token live in Settings → Team. */
  team: boolean;
}) {
  const title = error.code === 'STREAM_INTERRUPTED' ? 'The answer was cut off' : error.code === 'LIMIT_EXCEEDED' ? 'Limit reached' : 'This turn failed';
  const isParamError = error.code === 'VALIDATION' && paramField(error.field) !== null;
  const zone = useDisplayZone();
  const message = error.code === 'LIMIT_EXCEEDED' && typeof error.resetsAt === 'number' ? withoutCoreResetTime(error.message) : error.message;
  return (
    <div className="turn-error callout callout-error" role="alert">
      <Icon name="alert" size={18} />
      <div className="callout-content">
        <p className="callout-title">
          {title}
          <span className="code-tag">{error.code}</span>
        </p>
        <p>{message}</p>
        {error.hint ? <p className="callout-hint">{error.hint}</p> : null}
        {error.code === 'LIMIT_EXCEEDED' && error.resetsAt !== undefined && !/reset/i.test(message) ? (
          <p className="callout-hint">
            {error.resetsAt === null ? 'This limit does not reset by itself.' : `Resets ${formatResetTime(error.resetsAt, error.timeZone ?? zone)}.`}
          </p>
        ) : null}
        {hasText ? <p className="callout-hint">The text above is what arrived before the failure.</p> : null}
        <div className="turn-error-actions">
          {canRetry ? (
            <Button size="sm" variant="secondary" icon="refresh" onClick={onRetry}>
              Retry
            </Button>
          ) : null}
          {needsAnotherModel(error.code) ? (
            <Button size="sm" variant="secondary" icon="spark" onClick={actions.changeModel}>
              Choose another model
            </Button>
          ) : null}
          {isParamError ? (
            <Button size="sm" variant="secondary" icon="settings" onClick={() => actions.openSettings(error)}>
              Open model settings
            </Button>
          ) : null}
          {team && (error.code === 'LIMIT_EXCEEDED' || error.code === 'KEY_NEEDS_REENTRY' || error.code === 'KEY_NOT_FOUND') ? (
            <Link to={paths.settings('team')} className="btn btn-ghost btn-sm">
              Team settings
            </Link>
          ) : null}
          {error.code === 'LIMIT_EXCEEDED' && !team ? (
            <Link to={paths.settings('limits')} className="btn btn-ghost btn-sm">
              Review limits
            </Link>
          ) : null}
          {team ? null : error.code === 'KEY_INVALID' || error.code === 'QUOTA_EXHAUSTED' || error.code === 'KEY_NEEDS_REENTRY' || error.code === 'VAULT_LOCKED' ? (
            <Link to={paths.settings('keys')} className="btn btn-ghost btn-sm">
              Providers &amp; Keys
            </Link>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** Who answered, with what key, how many tokens and what it cost; a note and the attempts when something else answered. */
function MessageMeta({ message, keyLabels }: { message: Message; keyLabels: ReadonlyMap<string, string> }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const attempts = message.attempts ?? [];
  const keyLabel = message.keyLabel ?? (message.keyId ? keyLabels.get(message.keyId) : undefined);
  const showAttempts = attempts.length > 1 || message.fallbackNote !== undefined;
  // Counted as the error message counts them (shared/attempt-counts.ts), so the two agree.
  const counts = describeAttemptCounts(attempts);
  const done = message.status === 'done';
  // Stopped and failed turns show what they still used, when the ledger says they used something.
  const costShown = done || message.usage !== undefined;
  return (
    <div className="message-meta">
      <p className="message-meta-line">
        {message.model ? (
          <span className="meta-model" title="Model">
            {message.model}
          </span>
        ) : null}
        {message.provider ? <span className="meta-provider">{providerSpec(message.provider).name}</span> : null}
        {message.source === 'team' ? <span className="meta-key">through the team</span> : keyLabel ? <span className="meta-key">key {keyLabel}</span> : null}
        {message.usage ? (
          <span className="meta-tokens" aria-label={`Tokens: ${usageParts(message.usage).map((p) => `${formatTokenCount(p.value)} ${p.label}`).join(', ')}`}>
            {usageParts(message.usage).map((p) => (
              <span key={p.key} className={`meta-token meta-token-${p.key}`}>
                {formatTokenCount(p.value)} {p.label}
              </span>
            ))}
          </span>
        ) : null}
        {costShown ? (
          <span className={`meta-cost ${message.costUsd === null || message.costUsd === undefined ? 'is-unknown' : ''}`} title="Cost of this answer">
            {formatCost(message.costUsd)}
          </span>
        ) : null}
        {costShown && message.usage?.estimated ? (
          <Badge tone="neutral" title="The provider did not report usage; Switchboard counted the tokens itself.">
            estimated
          </Badge>
        ) : null}
        {message.latencyMs !== undefined && done ? <span className="meta-latency">{formatLatency(message.latencyMs)}</span> : null}
      </p>
      {message.fallbackNote ? (
        <p className="message-note">
          <Icon name="info" size={14} />
          <span>{message.fallbackNote}</span>
        </p>
      ) : null}
      {showAttempts ? (
        <>
          <button type="button" className="link-button attempts-toggle" aria-expanded={open} aria-controls={listId} onClick={() => setOpen((o) => !o)}>
            {open ? `Hide attempts (${counts})` : `Show attempts (${counts})`}
          </button>
          {open ? <AttemptList id={listId} attempts={attempts} keyLabels={keyLabels} /> : null}
        </>
      ) : null}
    </div>
  );
}

function AttemptList({ id, attempts, keyLabels }: { id: string; attempts: Attempt[]; keyLabels: ReadonlyMap<string, string> }) {
  const zone = useDisplayZone();
  return (
    <ol id={id} className="attempt-list">
      {attempts.map((a, i) => {
        const kind = attemptKind(a);
        const outcome = attemptOutcome(a);
        return (
          <li key={i} className={`attempt attempt-${a.status}`} data-kind={kind}>
            <span className="attempt-what">
              {a.chainIndex > 0 ? `Fallback ${a.chainIndex}: ` : ''}
              {providerSpec(a.provider).name} <span className="mono">{a.model}</span>
              {a.keyId ? ` · key ${keyLabels.get(a.keyId) ?? a.keyId}` : ''}
              {kind === 'retry' || kind === 'key-failover' ? <span className="attempt-kind"> · {CALL_KIND_LABEL[kind]}, try {a.attempt}</span> : null}
            </span>
            <span className="attempt-outcome">
              <Badge tone={outcome.tone}>{outcome.label}</Badge>
              {a.errorCode ? <span className="code-tag">{a.errorCode}</span> : null}
              {a.latencyMs !== undefined ? <span className="muted"> {formatLatency(a.latencyMs)}</span> : null}
            </span>
            {a.errorMessage ? (
              <span className="attempt-message">
                {a.errorMessage}
                {a.pausedUntil !== undefined ? ` Tried again after ${formatClock(a.pausedUntil, zone)}.` : ''}
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
