import { useMemo, useState } from 'react';
import type { UsageRecord } from '../../../../shared/contract/index.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Badge, type BadgeTone } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { formatWhen, formatWhenFull } from '../../ui/datetime.js';
import { formatLatency } from '../../ui/format.js';
import { callKindText } from '../chat/call-kinds.js';
import type { DateRange } from './date-range.js';
import { providerName } from './limit-text.js';
import { formatCostExact, formatTokens, totalTokens } from './money.js';
import { SessionName } from './TopTables.js';
import { UsageTable } from './UsageTable.js';
import { useConversationTitles, type SessionTitles } from './useConversationTitles.js';

const PAGE_SIZE = 20;
const KEY_EVENTS = ['keys.changed'] as const;
// Fixed widths (the conversation takes the rest), so every column fits at 1280 px; narrower windows scroll the table.
const COLUMNS = [
  { label: 'Time', width: '122px' },
  { label: 'Conversation' },
  { label: 'Model', width: '140px' },
  { label: 'Status', width: '168px' },
  { label: 'Tokens', num: true, width: '100px' },
  { label: 'Cost', num: true, width: '96px' },
  { label: 'Latency', num: true, width: '92px' },
] as const;

const STATUS: Record<UsageRecord['status'], { label: string; tone: BadgeTone }> = {
  ok: { label: 'OK', tone: 'success' },
  error: { label: 'Error', tone: 'danger' },
  cancelled: { label: 'Stopped', tone: 'neutral' },
  interrupted: { label: 'Interrupted', tone: 'warning' },
  reserved: { label: 'Running', tone: 'info' },
};

/** PROVIDER_UNAVAILABLE may wrap after an underscore, never inside a word. */
function breakAtUnderscores(code: string) {
  return code.split('_').map((part, i, all) => (
    <span key={i}>
      {part}
      {i < all.length - 1 ? (
        <>
          _<wbr />
        </>
      ) : null}
    </span>
  ));
}

/** The calls of the range, newest first, a page at a time (usage.records cursors). */
export function RecentCalls({ range, timeZone }: { range: DateRange; timeZone: string }) {
  // cursors[i] opens page i + 1; a new range starts again at the newest page.
  const rangeKey = `${range.from}|${range.to}`;
  const [paging, setPaging] = useState<{ rangeKey: string; cursors: string[]; page: number }>({ rangeKey, cursors: [], page: 0 });
  const { cursors, page } = paging.rangeKey === rangeKey ? paging : { cursors: [], page: 0 };
  const cursor = page > 0 ? cursors[page - 1] : undefined;
  const records = useBridgeQuery(
    'usage.records',
    { from: range.from, to: range.to, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
    { refreshOn: ['usage.recorded'] },
  );
  const rows = records.data?.records ?? [];
  const next = records.data?.nextCursor ?? null;
  const titles = useConversationTitles(rows.map((r) => r.sessionId));
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: KEY_EVENTS });
  const keyLabels = useMemo(() => new Map((keys.data?.keys ?? []).map((k) => [k.id, k.label] as const)), [keys.data]);

  const older = () => {
    if (next) setPaging({ rangeKey, cursors: [...cursors.slice(0, page), next], page: page + 1 });
  };
  const newer = () => setPaging({ rangeKey, cursors, page: Math.max(0, page - 1) });

  return (
    <section className="card usage-table-card" aria-labelledby="recent-calls">
      <div className="card-head">
        <h2 id="recent-calls" className="card-title">
          Calls
        </h2>
        <p className="muted small">Newest first{page > 0 ? ` · page ${page + 1}` : ''}</p>
      </div>
      {records.error && !records.data ? <ErrorNotice error={records.error} onRetry={records.reload} /> : null}
      <UsageTable columns={COLUMNS} empty={rows.length === 0} loading={records.loading} className="calls-table" describedBy="recent-calls">
        {rows.map((r) => (
          <CallRow key={r.id} record={r} titles={titles} timeZone={timeZone} keyLabels={keyLabels} />
        ))}
      </UsageTable>
      {page > 0 || next ? (
        <div className="pager">
          <Button size="sm" onClick={newer} disabled={page === 0}>
            Newer
          </Button>
          <Button size="sm" onClick={older} disabled={!next}>
            Older
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function costTitle(r: UsageRecord): string {
  if (r.costSource === 'provider-reported') return 'The amount the provider reported charging for this call';
  return r.pricing ? 'Computed from the price recorded with this call' : 'This model has no known price';
}

function overshootTitle(r: UsageRecord): string {
  const parts = [
    (r.overshootTokens ?? 0) > 0 ? `${formatTokens(r.overshootTokens ?? 0)} tokens` : null,
    (r.overshootUsd ?? 0) > 0 ? formatCostExact(r.overshootUsd ?? 0) : null,
  ].filter(Boolean);
  return `The provider reported ${parts.join(' and ')} more than this call reserved. The limits it counts against are closed until they reset.`;
}

function CallRow({
  record: r,
  titles,
  timeZone,
  keyLabels,
}: {
  record: UsageRecord;
  titles: SessionTitles | undefined;
  timeZone: string;
  keyLabels: ReadonlyMap<string, string>;
}) {
  const u = r.usage;
  const kind = callKindText(r.kind, r.attempt, r.replacedKeyId ? (keyLabels.get(r.replacedKeyId) ?? null) : null);
  const status = STATUS[r.status];
  const when = new Date(r.time);
  const tokensDetail = [
    `${formatTokens(u.inputTokens)} in`,
    u.cacheReadTokens > 0 ? `${formatTokens(u.cacheReadTokens)} cache read` : null,
    u.cacheWriteTokens > 0 ? `${formatTokens(u.cacheWriteTokens)} cache write` : null,
    `${formatTokens(u.outputTokens)} out`,
    u.reasoningTokens > 0 ? `${formatTokens(u.reasoningTokens)} reasoning` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <tr data-testid="usage-call" data-status={r.status} data-kind={r.kind}>
      <td title={formatWhenFull(r.time, timeZone)}>
        <time dateTime={when.toISOString()}>{formatWhen(r.time, timeZone, { seconds: true })}</time>
      </td>
      <td className="cell-clip">
        <SessionName sessionId={r.sessionId} titles={titles} />
        {r.agent ? <span className="cell-sub">{r.agent}</span> : null}
      </td>
      <td className="cell-clip">
        <span className="cell-main mono">{r.model}</span>
        <span className="cell-sub">
          {providerName(r.provider)}
          {r.source !== 'user' ? ` · ${r.source === 'environment' ? 'environment key' : 'team'}` : ''}
        </span>
        {kind ? <span className="cell-sub call-kind">{kind}</span> : null}
      </td>
      <td>
        <Badge tone={status.tone}>{status.label}</Badge>
        {r.errorCode ? <span className="cell-sub mono">{breakAtUnderscores(r.errorCode)}</span> : null}
      </td>
      <td className="num">
        <span className="cell-main">{formatTokens(totalTokens(u))}</span>
        <span className="cell-sub">{tokensDetail}</span>
      </td>
      <td className="num">
        <span className="cell-main" title={costTitle(r)}>
          {formatCostExact(r.costUsd)}
        </span>
        {u.estimated ? (
          <span className="cell-sub">
            <Badge tone="warning" title="The provider did not report usage (the stream was cut, or the app stopped while the call ran); it is counted at an estimate.">
              estimated
            </Badge>
          </span>
        ) : null}
        {r.costSource === 'provider-reported' ? (
          <span className="cell-sub" data-testid="cost-reported" title="The amount the provider reported charging for this call.">
            reported by provider
          </span>
        ) : null}
        {r.costMismatch ? (
          <span
            className="cell-note"
            data-testid="cost-mismatch"
            title={`The provider charged ${formatCostExact(r.costUsd)}; tokens × the listed price give ${formatCostExact(r.priceCostUsd ?? null)}: more than 1 % apart.`}
          >
            price × tokens: {formatCostExact(r.priceCostUsd ?? null)}
          </span>
        ) : null}
        {(r.overshootTokens ?? 0) > 0 || (r.overshootUsd ?? 0) > 0 ? (
          <span className="cell-note is-danger" data-testid="call-overshoot" title={overshootTitle(r)}>
            over its reservation
          </span>
        ) : null}
      </td>
      <td className="num nowrap">
        {r.latencyMs !== null ? formatLatency(r.latencyMs) : '—'}
        {r.ttftMs !== null ? <span className="cell-sub">first token {formatLatency(r.ttftMs)}</span> : null}
      </td>
    </tr>
  );
}
