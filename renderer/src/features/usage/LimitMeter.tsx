import type { LimitState } from '../../../../shared/contract/index.js';
import { Badge } from '../../ui/Badge.js';
import { formatLimitAmount, percent, resetText, usedOfLimit } from './limit-text.js';

/**
 * One limit's current window: a bar of settled use plus what running calls have reserved, the
 * amounts, and when it resets. Used on the Usage page and in Settings → Limits.
 */
export function LimitMeter({ state, title, timeZone, compact = false, hideTitle = false }: { state: LimitState; title: string; timeZone: string; compact?: boolean; hideTitle?: boolean }) {
  const pct = percent(state);
  // The bar stops at 100%; the text says how far over it went.
  const shownPct = state.limit > 0 ? Math.round((state.used / state.limit) * 1000) / 10 : 100;
  const level = state.level;
  return (
    <div className={`limit-meter is-${level} ${compact ? 'is-compact' : ''}`} data-scope={state.scope} data-subject={state.subject ?? ''}>
      {hideTitle && level === 'ok' ? null : (
        <div className="limit-meter-head">
          <span className={hideTitle ? 'visually-hidden' : 'limit-meter-title'}>{title}</span>
          {level === 'exceeded' ? (
            // Used up, or closed early by a call that went over its reservation (the detail below says so).
            <Badge tone="danger">{state.used < state.limit && state.overshoot ? 'Closed' : 'Limit reached'}</Badge>
          ) : level === 'warning' ? (
            <Badge tone="warning">Over 80%</Badge>
          ) : null}
        </div>
      )}
      <div
        className="meter"
        role="meter"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={state.limit}
        aria-valuenow={Math.min(state.used, state.limit)}
        aria-valuetext={`${usedOfLimit(state)} used (${shownPct}%)`}
      >
        <span className="meter-fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="limit-meter-detail">
        <span>
          {usedOfLimit(state)} <span className="muted">({shownPct}%)</span>
        </span>
        {state.reserved > 0 ? <span className="muted">incl. {formatLimitAmount(state.reserved, state.unit)} reserved by running calls</span> : null}
        <span className="muted">{resetText(state.resetsAt, timeZone)}</span>
      </p>
      {state.overshoot ? (
        <p className="limit-meter-detail limit-meter-overshoot" data-testid="limit-overshoot">
          A call used {formatLimitAmount(state.overshoot, state.unit)} more than it reserved (the provider reported more than the prompt's upper bound), so this limit
          stays closed until it resets.
        </p>
      ) : null}
    </div>
  );
}
