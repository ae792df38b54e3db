import type { KeyInfo, LimitState, UsageTotals } from '../../../../shared/contract/index.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { keyNames, limitTitle } from './limit-text.js';
import { LimitMeter } from './LimitMeter.js';
import { describeTotalCost, formatCostExact, formatTokens, plural } from './money.js';

/** The period's totals: cost, calls, and every token kind the providers bill separately. */
export function PeriodTotals({ totals: t, label }: { totals: UsageTotals | undefined; label: string }) {
  const cost = t ? describeTotalCost(t) : null;
  const prompt = t ? t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens : 0;
  return (
    <section aria-label={`Totals for ${label}`} aria-busy={!t}>
      <div className="stat-grid">
        <Stat label="Cost" value={cost?.text ?? null} title={cost?.title} note={cost?.note ?? (t && t.costUsd > 0 && formatCostExact(t.costUsd) !== cost?.text ? `exactly ${formatCostExact(t.costUsd)}` : undefined)} testId="total-cost" />
        <Stat
          label="Calls"
          value={t ? formatTokens(t.calls) : null}
          note={t ? [t.errors > 0 ? plural(t.errors, 'error', 'errors') : null, t.estimatedCalls > 0 ? `${formatTokens(t.estimatedCalls)} estimated` : null].filter(Boolean).join(' · ') || 'no errors' : undefined}
          tone={t && t.errors > 0 ? 'warning' : undefined}
          testId="total-calls"
        />
        <Stat label="Prompt tokens" value={t ? formatTokens(prompt) : null} note={t ? `incl. ${formatTokens(t.cacheReadTokens)} cache read, ${formatTokens(t.cacheWriteTokens)} cache write` : undefined} testId="total-prompt" />
        <Stat label="Output tokens" value={t ? formatTokens(t.outputTokens) : null} note={t ? `incl. ${formatTokens(t.reasoningTokens)} reasoning` : undefined} testId="total-output" />
      </div>
      {t ? (
        <dl className="token-breakdown" aria-label="Tokens by kind">
          <div>
            <dt>Input</dt>
            <dd>{formatTokens(t.inputTokens)}</dd>
          </div>
          <div>
            <dt>Cache read</dt>
            <dd>{formatTokens(t.cacheReadTokens)}</dd>
          </div>
          <div>
            <dt>Cache write</dt>
            <dd>{formatTokens(t.cacheWriteTokens)}</dd>
          </div>
          <div>
            <dt>Output</dt>
            <dd>{formatTokens(t.outputTokens)}</dd>
          </div>
          <div>
            <dt>Reasoning (in output)</dt>
            <dd>{formatTokens(t.reasoningTokens)}</dd>
          </div>
          <div>
            <dt>Unknown price</dt>
            <dd>{plural(t.unknownCostCalls, 'call', 'calls')}</dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}

function Stat({
  label,
  value,
  note,
  title,
  tone,
  testId,
}: {
  label: string;
  value: string | null;
  note?: string | undefined;
  title?: string | undefined;
  tone?: 'warning' | undefined;
  testId: string;
}) {
  return (
    <div className={`stat card ${tone ? `is-${tone}` : ''}`} data-testid={testId}>
      <p className="stat-label">{label}</p>
      <p className="stat-value" title={title}>
        {value ?? <span className="skeleton skeleton-text" />}
      </p>
      <p className="stat-note">{note ?? '\u00a0'}</p>
    </div>
  );
}

/** Each limit's current window (not the chosen period: limits run per day, month or conversation). */
export function LimitsNow({ states, timeZone, keys }: { states: readonly LimitState[] | undefined; timeZone: string; keys: readonly KeyInfo[] | undefined }) {
  const names = keyNames(keys);
  const shown = (states ?? []).filter((s) => s.scope !== 'sessionUsd');
  return (
    <section className="card limits-now" aria-labelledby="limits-now">
      <div className="card-head">
        <h2 id="limits-now" className="card-title">
          Limits
        </h2>
        <Link to={paths.settings('limits')} className="subtle-link">
          Edit limits
        </Link>
      </div>
      {states === undefined ? (
        <span className="skeleton skeleton-block" />
      ) : shown.length === 0 ? (
        <p className="muted">
          No daily or monthly limits are set. <Link to={paths.settings('limits')}>Set a limit</Link> to have calls refused before they would go over it.
        </p>
      ) : (
        <div className="limit-meters">
          {shown.map((s) => (
            <LimitMeter key={`${s.scope}|${s.subject ?? ''}`} state={s} title={limitTitle(s, names)} timeZone={timeZone} compact />
          ))}
        </div>
      )}
    </section>
  );
}
