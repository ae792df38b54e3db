import { useState } from 'react';
import type { UsageGroup } from '../../../shared/contract/index.js';
import { Badge } from '../../src/ui/Badge.js';
import { Button } from '../../src/ui/Button.js';
import { ErrorNotice } from '../../src/ui/ErrorNotice.js';
import { shapeChart, type Metric } from '../../src/features/usage/chart-data.js';
import { bucketsInRange, presetRange, rangeLabel, type DateRange } from '../../src/features/usage/date-range.js';
import { formatCostExact, formatCostTotal, formatTokens, plural } from '../../src/features/usage/money.js';
import { UsageChart } from '../../src/features/usage/UsageChart.js';
import { call, downloadCsv } from './api.js';
import { useLoad } from './use-load.js';
import type { DailyUsage, MemberUsage, TeamInfo, UsageReport } from './types.js';

type Preset = 'thisMonth' | 'last7' | 'last30' | 'today';
const PRESETS: Array<{ id: Preset; label: string }> = [
  { id: 'today', label: 'Today' },
  { id: 'last7', label: 'Last 7 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'last30', label: 'Last 30 days' },
];
type Dimension = 'member' | 'model';

/** Who spent what: totals, a chart per member or model by day, and a table per member (server calls and synced usage). */
export function UsageView() {
  const team = useLoad(() => call<TeamInfo>('GET', '/api/admin/team'));
  const [preset, setPreset] = useState<Preset>('thisMonth');
  const [dimension, setDimension] = useState<Dimension>('member');
  const [metric, setMetric] = useState<Metric>('cost');
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const tz = team.data?.timeZone ?? 'UTC';
  const range: DateRange = presetRange(preset, tz, Date.now());
  const query = `?from=${range.from}&to=${range.to}`;
  const report = useLoad(() => call<UsageReport>('GET', `/api/admin/usage${query}`), query);
  const daily = useLoad(() => call<DailyUsage>('GET', `/api/admin/usage/daily${query}`), query);

  const names = new Map((report.data?.members ?? []).map((m) => [m.id, m.name]));
  const groups: UsageGroup[] = (daily.data?.rows ?? []).map((r) => ({
    key: { day: r.day, agent: names.get(r.memberId) ?? 'Removed member', model: `${r.provider}/${r.model}` },
    calls: r.calls,
    inputTokens: r.tokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: r.costUsd,
    unknownCostCalls: 0,
    errors: 0,
    estimatedCalls: 0,
  }));
  const chart = shapeChart(groups, { granularity: 'day', dimension: dimension === 'member' ? 'agent' : 'model', metric, buckets: bucketsInRange(range, 'day'), maxSeries: 7 });
  const t = report.data?.totals;

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadCsv(query);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="page usage-page">
      <header className="page-header page-header-row">
        <div>
          <h1>Team usage</h1>
          <p className="page-subtitle">Calls through this server (charged against budgets) and usage members’ apps synced from their own keys (reported only). Days in {tz}.</p>
        </div>
        <Button icon="download" onClick={() => void exportCsv()} busy={exporting}>
          Export CSV
        </Button>
      </header>
      <div className="usage-toolbar">
        <Segmented label="Period" value={preset} options={PRESETS} onChange={setPreset} />
      </div>
      {exportError ? <ErrorNotice error={exportError} /> : null}
      {report.error ? <ErrorNotice error={report.error} onRetry={report.reload} /> : null}
      <h2 className="section-title usage-period" aria-live="polite">
        {rangeLabel(range)}
      </h2>
      <section className="stat-grid admin-stats" aria-label="Totals" aria-busy={!t}>
        <Stat label="Cost" value={t ? formatCostTotal(t.costUsd) : null} note={t && t.unknownCostCalls > 0 ? `${plural(t.unknownCostCalls, 'call', 'calls')} with an unknown price not included` : t ? `exactly ${formatCostExact(t.costUsd)}` : undefined} testId="total-cost" />
        <Stat label="Calls" value={t ? formatTokens(t.calls) : null} note="through the server and synced" testId="total-calls" />
        <Stat label="Tokens" value={t ? formatTokens(t.tokens) : null} note="input, cache and output tokens" testId="total-tokens" />
      </section>
      <section className="card usage-chart-card" aria-labelledby="admin-chart-title">
        <div className="card-head chart-head">
          <h2 id="admin-chart-title" className="card-title">
            By day, per {dimension}
          </h2>
          <div className="chart-controls">
            <Segmented label="Split by" value={dimension} options={[{ id: 'member', label: 'Member' }, { id: 'model', label: 'Model' }]} onChange={setDimension} />
            <Segmented label="Show" value={metric} options={[{ id: 'cost', label: 'Cost' }, { id: 'tokens', label: 'Tokens' }]} onChange={setMetric} />
          </div>
        </div>
        {daily.error ? <ErrorNotice error={daily.error} onRetry={daily.reload} /> : chart.empty ? <div className="chart-placeholder"><p className="muted">No usage in this period.</p></div> : <UsageChart data={chart} metric={metric} title={`Usage per ${dimension} by day`} />}
      </section>
      <section className="card" aria-labelledby="members-usage-title">
        <h2 id="members-usage-title" className="card-title">
          Per member
        </h2>
        <MemberTable members={report.data?.members} />
      </section>
    </div>
  );
}

function MemberTable({ members }: { members: MemberUsage[] | undefined }) {
  if (!members) return <p className="muted">Loading…</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Usage per member">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col" className="num">Calls</th>
            <th scope="col" className="num">Tokens</th>
            <th scope="col" className="num">Cost</th>
            <th scope="col" className="num" title="Calls through this server, charged against budgets">
              Server
            </th>
            <th scope="col" className="num" title="Usage of members' own keys, synced from their apps">
              Synced
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <th scope="row">
                <span className="member-name">{m.name}</span>
                {m.removed ? <span className="muted">(removed)</span> : m.role !== 'member' ? <Badge tone={m.role === 'owner' ? 'accent' : 'info'}>{m.role}</Badge> : null}
              </th>
              <td className="num">{formatTokens(m.calls)}</td>
              <td className="num">{formatTokens(m.tokens)}</td>
              <td className="num" title={formatCostExact(m.costUsd)}>
                {formatCostTotal(m.costUsd)}
              </td>
              <td className="num">
                {formatCostTotal(m.server.costUsd)} <span className="cell-sub">{formatTokens(m.server.tokens)} tokens</span>
              </td>
              <td className="num">
                {formatCostTotal(m.synced.costUsd)} <span className="cell-sub">{formatTokens(m.synced.tokens)} tokens</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Stat({ label, value, note, testId }: { label: string; value: string | null; note?: string | undefined; testId: string }) {
  return (
    <div className="card stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value ?? <span className="skeleton skeleton-text" />}</div>
      {note ? <div className="stat-note">{note}</div> : null}
    </div>
  );
}

export function Segmented<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: ReadonlyArray<{ id: T; label: string }>; onChange: (v: T) => void }) {
  return (
    <div className="segmented segmented-sm" role="group" aria-label={label}>
      <span className="segmented-label" aria-hidden="true">
        {label}
      </span>
      {options.map((o) => (
        <button key={o.id} type="button" className={`segment ${value === o.id ? 'is-selected' : ''}`} aria-pressed={value === o.id} onClick={() => onChange(o.id)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
