import { useEffect, useMemo, useRef } from 'react';
import { useBridge } from '../../bridge/context.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { useNow } from '../../hooks/useNow.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { toast } from '../../state/toast-store.js';
import { IconButton } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { stateFromLimitError, useLimitAlerts } from './limit-alerts.js';
import { formatLimitAmount, limitReachedTitle, limitSentenceName, percent, resetText, usedOfLimit, keyNames } from './limit-text.js';
import { machineTimeZone } from './date-range.js';

/**
 * Mounted once in the shell. A limit at 80% (limits.warning) is a toast; a limit reached
 * (limits.exceeded, also sent when a call is refused) is this banner until dismissed, the limit
 * changes, or its window resets.
 */
export function LimitBanner() {
  const bridge = useBridge();
  const report = useLimitAlerts((s) => s.report);
  const setTimeZone = useLimitAlerts((s) => s.setTimeZone);
  const dismiss = useLimitAlerts((s) => s.dismiss);
  const exceeded = useLimitAlerts((s) => s.exceeded);
  const storedZone = useLimitAlerts((s) => s.timeZone);
  const now = useNow(60_000);

  // Limits already reached when the app opens (and after a reconnect, when events may be lost).
  const current = useBridgeQuery('limits.get', {});
  useEffect(() => {
    if (!current.data) return;
    setTimeZone(current.data.limits.timeZone);
    for (const s of current.data.states) if (s.level === 'exceeded') report(s);
  }, [current.data, report, setTimeZone]);

  const timeZone = storedZone ?? machineTimeZone();
  // Key limits are named by the key's label, as in Settings.
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: ['keys.changed'] });
  const names = useMemo(() => keyNames(keys.data?.keys), [keys.data]);
  const keyNamesRef = useRef(names);
  keyNamesRef.current = names;

  useEffect(() => {
    const offExceeded = bridge.onEvent('limits.exceeded', ({ state }) => report(state));
    const offRefused = bridge.onEvent('chat.error', ({ error }) => {
      const state = stateFromLimitError(error);
      if (state) report(state);
    });
    const offWarning = bridge.onEvent('limits.warning', ({ state }) => {
      const tz = useLimitAlerts.getState().timeZone ?? machineTimeZone();
      toast.info(
        `${limitSentenceName(state, keyNamesRef.current)} is ${Math.floor(percent(state))}% used`,
        `${usedOfLimit(state)}. ${resetText(state.resetsAt, tz)}. Calls that could go over it are refused before they are sent.`,
      );
    });
    return () => {
      offExceeded();
      offRefused();
      offWarning();
    };
  }, [bridge, report]);

  const visible = exceeded.filter((s) => s.resetsAt === null || s.resetsAt > now);
  const first = visible[0];
  if (!first) return null;
  const more = visible.length - 1;
  const over = first.used >= first.limit;
  // A refusal's fraction counts the refused call's worst case on top of what is used.
  const need = Math.max(0, first.fraction * first.limit - first.used);
  return (
    <div className="limit-banner" role="alert" data-testid="limit-banner">
      <Icon name="alert" size={18} />
      <div className="limit-banner-text">
        <p className="limit-banner-title">
          {limitReachedTitle(first, names)}
        </p>
        <p className="limit-banner-body">
          {usedOfLimit(first)} used.{' '}
          {first.overshoot
            ? `A call used ${formatLimitAmount(first.overshoot, first.unit)} more than it reserved, so new calls are refused until it resets.`
            : over
            ? 'New calls are refused before they are sent.'
            : `The last call could have needed ${need > 0 ? `up to ${formatLimitAmount(need, first.unit)} more` : 'more than is left'}, so it was refused before it was sent.`}{' '}
          {first.resetsAt === null ? 'Raise the budget to continue.' : `${resetText(first.resetsAt, timeZone)} (${timeZone}).`}
          {more > 0 ? ` ${more} more ${more === 1 ? 'limit is' : 'limits are'} reached.` : ''}
        </p>
      </div>
      {first.scope.startsWith('team.') ? (
        <Link to={paths.settings('team')} className="btn btn-secondary btn-sm">
          Open Team
        </Link>
      ) : (
        <Link to={paths.settings('limits')} className="btn btn-secondary btn-sm">
          Open Limits
        </Link>
      )}
      <IconButton icon="x" label="Dismiss limit notice" onClick={() => dismiss(first)} />
    </div>
  );
}
