import { useId, useState } from 'react';
import type { ToolCallStatus } from '../../../../shared/contract/index.js';
import { useBridge } from '../../bridge/context.js';
import { describeError } from '../../bridge/errors.js';
import type { MessagePart } from '../../db/schema.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { Spinner } from '../../ui/Spinner.js';
import { formatLatency } from '../../ui/format.js';
import type { BadgeTone } from '../../ui/badge-tone.js';

type Call = Extract<MessagePart, { type: 'tool_call' }>;
type Result = Extract<MessagePart, { type: 'tool_result' }>;

const STATUS: Record<ToolCallStatus, { label: string; tone: BadgeTone }> = {
  'awaiting-approval': { label: 'needs your OK', tone: 'warning' },
  running: { label: 'running', tone: 'info' },
  ok: { label: 'done', tone: 'success' },
  error: { label: 'failed', tone: 'danger' },
  denied: { label: 'not run', tone: 'neutral' },
  cancelled: { label: 'stopped', tone: 'neutral' },
};

/** Arguments as indented JSON when they are JSON, else as sent. */
export function prettyArguments(args: string): string {
  if (args.trim() === '') return '{}';
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/**
 * One tool call in the conversation: which tool, with what arguments, what came back and how long it
 * took. A call waiting for the user offers Run / Don't run and "allow for this session".
 */
export function ToolCallCard({ call, result, streamId }: { call: Call; result: Result | undefined; streamId: string | undefined }) {
  const status: ToolCallStatus = result?.status ?? 'running';
  const s = STATUS[status];
  const headingId = useId();
  const waiting = status === 'awaiting-approval';
  return (
    <section className={`tool-card is-${status}`} aria-labelledby={headingId} data-tool={call.name} data-status={status}>
      <header className="tool-card-header">
        <Icon name="spark" size={15} />
        <h3 id={headingId} className="tool-card-name">
          <span className="visually-hidden">Tool call: </span>
          <span className="mono">{call.name}</span>
        </h3>
        <Badge tone={s.tone}>{s.label}</Badge>
        {status === 'running' ? <Spinner size={12} label="Running" /> : null}
        {result && !waiting && status !== 'running' ? <span className="tool-card-time muted">{formatLatency(result.durationMs)}</span> : null}
      </header>
      <details className="tool-card-section" open={waiting || undefined}>
        <summary>Arguments</summary>
        <pre className="tool-card-pre">{prettyArguments(call.arguments)}</pre>
      </details>
      {result && result.content && !waiting && status !== 'running' ? (
        <details className="tool-card-section" open={status !== 'ok' || undefined}>
          <summary>{status === 'ok' ? 'Result' : 'What happened'}</summary>
          <pre className={`tool-card-pre ${status === 'ok' ? '' : 'is-error'}`}>{result.content}</pre>
        </details>
      ) : null}
      {waiting && streamId ? <Approval streamId={streamId} callId={call.id} toolName={call.name} /> : null}
    </section>
  );
}

function Approval({ streamId, callId, toolName }: { streamId: string; callId: string; toolName: string }) {
  const bridge = useBridge();
  const [forSession, setForSession] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const checkId = useId();
  const answer = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await bridge.call('chat.approveTool', { streamId, callId, approve, ...(approve && forSession ? { forSession: true } : {}) });
      if (!r.applied) setError('This call is no longer waiting (the turn ended).');
    } catch (err) {
      setError(describeError(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="tool-approval" role="group" aria-label={`Run ${toolName}?`}>
      <p className="tool-approval-question">The model wants to run this tool. Nothing runs until you say so.</p>
      <div className="tool-approval-actions">
        <Button size="sm" variant="primary" icon="check" onClick={() => void answer(true)} disabled={busy}>
          Run
        </Button>
        <Button size="sm" icon="x" onClick={() => void answer(false)} disabled={busy}>
          Don’t run
        </Button>
        <label htmlFor={checkId} className="tool-approval-session">
          <input id={checkId} type="checkbox" checked={forSession} onChange={(e) => setForSession(e.currentTarget.checked)} disabled={busy} />
          Allow {toolName} for the rest of this conversation
        </label>
      </div>
      {error ? (
        <p className="field-message is-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
