import type { PowerLevel } from '../../../../shared/contract/index.js';
import { LEVEL_LABEL } from '../agents/agent-format.js';
import { useMemo, useState } from 'react';
import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { useBridge } from '../../bridge/context.js';
import { errorText } from '../../bridge/errors.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { useNow } from '../../hooks/useNow.js';
import { toast } from '../../state/toast-store.js';
import { Button } from '../../ui/Button.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { openNewConversation } from '../conversations/new-conversation.js';
import { shapeChart, type Dimension, type Metric } from './chart-data.js';
import { bucketsInRange, checkCustomRange, machineTimeZone, presetRange, rangeLabel, suggestedGranularity, type DateRange, type Granularity } from './date-range.js';
import { providerName } from './limit-text.js';
import { plural } from './money.js';
import { LimitsNow, PeriodTotals } from './PeriodTotals.js';
import { RangePicker } from './RangePicker.js';
import { RecentCalls } from './RecentCalls.js';
import { TopConversations, TopModels } from './TopTables.js';
import { UsageChart } from './UsageChart.js';
import { useConversationTitles } from './useConversationTitles.js';
import { useUsageView } from './view-store.js';

const REFRESH = ['usage.recorded'] as const;
const LIMIT_REFRESH = ['usage.recorded', 'limits.warning', 'limits.exceeded'] as const;

const DIMENSIONS: { id: Dimension; label: string }[] = [
  { id: 'provider', label: 'Provider' },
  { id: 'model', label: 'Model' },
  { id: 'agent', label: 'Agent' },
  { id: 'level', label: 'Power level' },
];

/** A series name people read: provider names, agent names, power levels. */
function seriesLabel(dimension: Dimension, v: string | null): string {
  if (dimension === 'provider') return providerName(v);
  if (dimension === 'level') return v && v in LEVEL_LABEL ? LEVEL_LABEL[v as PowerLevel] : 'Named model';
  return v ?? (dimension === 'agent' ? 'No agent' : 'Unknown');
}
const GRANULARITIES: { id: Granularity; label: string }[] = [
  { id: 'day', label: 'Day' },
  { id: 'week', label: 'Week' },
  { id: 'month', label: 'Month' },
];
const METRICS: { id: Metric; label: string }[] = [
  { id: 'cost', label: 'Cost' },
  { id: 'tokens', label: 'Tokens' },
];

/**
 * The usage dashboard: a period (in the limits' time zone), its totals against each limit, cost or
 * tokens per day/week/month stacked by provider, model or agent, the top models and conversations,
 * every call, and the CSV export of the period. Everything refreshes when a call is recorded.
 */
export function UsagePage() {
  useDocumentTitle('Usage');
  const view = useUsageView();
  // The date changes at midnight; a page left open rolls over with it.
  const now = useNow(60_000);

  const limits = useBridgeQuery('limits.get', {}, { refreshOn: LIMIT_REFRESH });
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: ['keys.changed'] });
  const allTime = useBridgeQuery('usage.query', { groupBy: [] }, { refreshOn: REFRESH });
  const timeZone = limits.data?.limits.timeZone ?? (limits.error ? machineTimeZone() : null);

  const rangeErrors = view.preset === 'custom' ? checkCustomRange(view.customFrom, view.customTo) : null;
  const range: DateRange | null = useMemo(() => {
    if (!timeZone) return null;
    if (view.preset !== 'custom') return presetRange(view.preset, timeZone, now);
    return checkCustomRange(view.customFrom, view.customTo) ? null : { from: view.customFrom, to: view.customTo };
    // `now` only matters when the local date changes; presetRange is cheap.
  }, [timeZone, view.preset, view.customFrom, view.customTo, now]);

  const enabled = range !== null;
  const bounds = range ?? { from: '1970-01-01', to: '1970-01-01' };
  const chartQuery = useBridgeQuery('usage.query', { ...bounds, groupBy: [view.granularity, view.dimension] }, { refreshOn: REFRESH, enabled });
  const models = useBridgeQuery('usage.query', { ...bounds, groupBy: ['provider', 'model'] }, { refreshOn: REFRESH, enabled });
  const sessions = useBridgeQuery('usage.query', { ...bounds, groupBy: ['session'] }, { refreshOn: REFRESH, enabled });
  const sessionIds = useMemo(() => (sessions.data?.groups ?? []).map((g) => g.key.session ?? '').filter(Boolean), [sessions.data]);
  const titles = useConversationTitles(sessionIds);

  const chart = useMemo(() => {
    if (!range || !chartQuery.data) return null;
    return shapeChart(chartQuery.data.groups, {
      granularity: view.granularity,
      dimension: view.dimension,
      metric: view.metric,
      buckets: bucketsInRange(range, view.granularity),
      labelOf: (v) => seriesLabel(view.dimension, v),
    });
  }, [range, chartQuery.data, view.granularity, view.dimension, view.metric]);

  const label = range ? rangeLabel(range) : rangeErrors ? 'No valid date range' : 'the chosen dates';
  const noCallsEver = allTime.data !== undefined && allTime.data.totals.calls === 0;
  const firstError = chartQuery.error ?? limits.error ?? allTime.error;

  return (
    <div className="page usage-page">
      <header className="page-header page-header-row">
        <div>
          <h1>Usage</h1>
          <p className="page-subtitle">Every provider call, with its tokens and cost. Deleting a conversation never removes its usage.</p>
        </div>
        <ExportButton range={range} />
      </header>

      {firstError && !chartQuery.data && !allTime.data ? (
        <ErrorNotice
          error={firstError}
          onRetry={() => {
            limits.reload();
            allTime.reload();
            chartQuery.reload();
          }}
        />
      ) : null}

      {noCallsEver ? (
        <EmptyUsage />
      ) : (
        <>
          <div className="usage-toolbar">
            <RangePicker
              preset={view.preset}
              customFrom={view.customFrom}
              customTo={view.customTo}
              errors={rangeErrors}
              timeZone={timeZone ?? '…'}
              onPreset={(preset) => {
                if (preset === 'custom' && view.customFrom === '' && range) view.set({ preset, customFrom: range.from, customTo: range.to });
                else view.set({ preset });
              }}
              onCustom={(customFrom, customTo) => {
                // A long custom range reads better in weeks or months; the user can still switch back.
                const valid = checkCustomRange(customFrom, customTo) === null;
                view.set(valid ? { customFrom, customTo, granularity: suggestedGranularity({ from: customFrom, to: customTo }) } : { customFrom, customTo });
              }}
            />
          </div>

          <h2 className="section-title usage-period" aria-live="polite">
            {label}
          </h2>
          <div className="usage-overview">
            {/* A range being typed has no totals: the last valid range's would sit under the error as if they were its. */}
            {rangeErrors ? <p className="muted">Totals, charts and tables follow once the dates make a range.</p> : <PeriodTotals totals={chartQuery.data?.totals} label={label} />}
            <LimitsNow states={limits.data?.states} timeZone={timeZone ?? 'UTC'} keys={keys.data?.keys} />
          </div>

          <section className="card usage-chart-card" aria-labelledby="usage-chart-title">
            <div className="card-head chart-head">
              <h2 id="usage-chart-title" className="card-title">
                {view.metric === 'cost' ? 'Cost' : 'Tokens'} per {view.granularity}, by {view.dimension}
              </h2>
              <div className="chart-controls">
                <Choice label="Show" options={METRICS} value={view.metric} onChange={(metric) => view.set({ metric })} />
                <Choice label="Per" options={GRANULARITIES} value={view.granularity} onChange={(granularity) => view.set({ granularity })} />
                <Choice label="Stack by" options={DIMENSIONS} value={view.dimension} onChange={(dimension) => view.set({ dimension })} />
              </div>
            </div>
            {chart === null ? (
              <div className="chart-placeholder" aria-busy={enabled}>
                {rangeErrors ? <p className="muted">Choose a valid date range.</p> : <span className="skeleton skeleton-block chart-skeleton" />}
              </div>
            ) : chart.empty ? (
              <div className="chart-placeholder">
                <p className="muted">No calls between these dates.</p>
              </div>
            ) : (
              <>
                <UsageChart data={chart} metric={view.metric} title={`${view.metric === 'cost' ? 'Cost' : 'Tokens'} per ${view.granularity} for ${label}`} />
                {view.metric === 'cost' && chart.unknownCostCalls > 0 ? (
                  <p className="chart-footnote">
                    {plural(chart.unknownCostCalls, 'call has', 'calls have')} no known price and {chart.unknownCostCalls === 1 ? 'is' : 'are'} not in these bars (never counted as $0).
                  </p>
                ) : null}
              </>
            )}
          </section>

          {rangeErrors ? null : (
            <div className="usage-tables">
              <TopModels groups={models.data?.groups} loading={models.loading} />
              <TopConversations groups={sessions.data?.groups} titles={titles} loading={sessions.loading} />
            </div>
          )}

          {range ? <RecentCalls range={range} timeZone={timeZone ?? 'UTC'} /> : null}
        </>
      )}
    </div>
  );
}

function Choice<T extends string>({ label, options, value, onChange }: { label: string; options: { id: T; label: string }[]; value: T; onChange(next: T): void }) {
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

/** Exports the period shown (usage.exportCsv): a file download in the browser, a save dialog in the app. */
function ExportButton({ range }: { range: DateRange | null }) {
  const bridge = useBridge();
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    if (!range) return;
    setExporting(true);
    try {
      const result = await bridge.call('usage.exportCsv', { from: range.from, to: range.to });
      if (result.saved) {
        toast.success('Usage exported', `${plural(result.rows, 'call', 'calls')}${result.path ? ` saved to ${result.path}` : ' saved to your downloads'}.`);
      }
    } catch (err) {
      toast.error('Export failed', errorText(err));
    } finally {
      setExporting(false);
    }
  };
  return (
    <Button icon="download" onClick={() => void exportCsv()} busy={exporting} disabled={!range} title={range ? `Every call from ${rangeLabel(range)} as CSV` : undefined}>
      Export CSV
    </Button>
  );
}

function EmptyUsage() {
  return (
    <div className="card usage-empty-state">
      <div className="empty-state">
        <h2>No calls yet — start a conversation</h2>
        <p>Every call to a provider shows up here with its tokens and exact cost, by day, provider and model.</p>
        <Button variant="primary" icon="plus" onClick={() => openNewConversation()} aria-haspopup="dialog">
          New conversation
        </Button>
      </div>
    </div>
  );
}
