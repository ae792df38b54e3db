import { useState } from 'react';
import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { useBridge } from '../../bridge/context.js';
import { describeError } from '../../bridge/errors.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { toast } from '../../state/toast-store.js';
import { Button } from '../../ui/Button.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { formatCount, formatUsd } from '../../ui/format.js';

/**
 * Usage totals and the CSV export. The usage dashboard (charts by day/provider/model) replaces the
 * body of this page; keep the export action.
 */
export function UsagePage() {
  useDocumentTitle('Usage');
  const bridge = useBridge();
  const totals = useBridgeQuery('usage.query', {}, { refreshOn: ['usage.recorded'] });
  const [exporting, setExporting] = useState(false);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const result = await bridge.call('usage.exportCsv', {});
      if (result.saved) toast.success('Usage exported', `${formatCount(result.rows)} ${result.rows === 1 ? 'call' : 'calls'}${result.path ? ` saved to ${result.path}` : ' saved to your downloads'}.`);
    } catch (err) {
      const view = describeError(err);
      toast.error('Export failed', view.hint ? `${view.message} ${view.hint}` : view.message);
    } finally {
      setExporting(false);
    }
  };

  const t = totals.data?.totals;
  return (
    <div className="page usage-page">
      <header className="page-header page-header-row">
        <div>
          <h1>Usage</h1>
          <p className="page-subtitle">Every provider call, with its tokens and cost. Deleting a conversation never removes its usage.</p>
        </div>
        <Button icon="download" onClick={() => void exportCsv()} busy={exporting}>
          Export CSV
        </Button>
      </header>
      {totals.error && !t ? <ErrorNotice error={totals.error} onRetry={totals.reload} /> : null}
      <h2 className="section-title">All time</h2>
      <section className="stat-grid" aria-label="All-time totals" aria-busy={!t && !totals.error}>
        <Stat label="Calls" value={t ? formatCount(t.calls) : null} />
        <Stat label="Cost" value={t ? formatUsd(t.costUsd) : null} note={t && t.unknownCostCalls > 0 ? `${t.unknownCostCalls} calls with unknown price` : undefined} />
        <Stat label="Input tokens" value={t ? formatCount(t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens) : null} note={t && t.cacheReadTokens > 0 ? `${formatCount(t.cacheReadTokens)} read from cache` : undefined} />
        <Stat label="Output tokens" value={t ? formatCount(t.outputTokens) : null} note={t && t.reasoningTokens > 0 ? `${formatCount(t.reasoningTokens)} reasoning` : undefined} />
      </section>
      {t && t.calls === 0 ? (
        <p className="usage-empty muted">No provider calls yet. After your first message, every call shows up here with its tokens and cost.</p>
      ) : null}
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: string | null; note?: string | undefined }) {
  return (
    <div className="stat card">
      <p className="stat-label">{label}</p>
      <p className="stat-value">{value ?? <span className="skeleton skeleton-text" />}</p>
      <p className="stat-note">{note ?? '\u00a0'}</p>
    </div>
  );
}
