import { create } from 'zustand';
import { LimitScope, type LimitState } from '../../../../shared/contract/index.js';
import { useTimeZoneStore } from '../../state/time-zone-store.js';
import { limitId } from './limit-text.js';

interface LimitAlertsState {
  /** Limits reached in their current window, newest first, not dismissed. */
  exceeded: LimitState[];
  /** The limits' time zone (for reset times), once known. */
  timeZone: string | null;
  dismissed: ReadonlySet<string>;
  /** A limits.exceeded event, or an exceeded state seen in limits.get. */
  report(state: LimitState): void;
  /**
   * The current states after the user changed limits: an alert whose limit is gone or no longer
   * reached is dropped. Refusals (which count the refused call) are kept until the limit changes.
   */
  prune(states: readonly LimitState[], changed: boolean): void;
  setTimeZone(tz: string): void;
  dismiss(state: LimitState): void;
}

const sameLimit = (a: LimitState, b: LimitState) => a.scope === b.scope && (a.subject ?? '') === (b.subject ?? '');

export const useLimitAlerts = create<LimitAlertsState>((set, get) => ({
  exceeded: [],
  timeZone: null,
  dismissed: new Set(),
  report: (state) => {
    if (get().dismissed.has(limitId(state))) return;
    set({ exceeded: [state, ...get().exceeded.filter((s) => !sameLimit(s, state))] });
  },
  prune: (states, changed) => {
    const kept = get().exceeded.flatMap((alert) => {
      const now = states.find((s) => sameLimit(s, alert));
      if (!now) return changed ? [] : [alert];
      if (now.level === 'exceeded') return [now];
      // A different limit value means the user raised it: the refusal no longer stands.
      return changed && now.limit !== alert.limit ? [] : [alert];
    });
    set({ exceeded: kept });
  },
  setTimeZone: (timeZone) => {
    // The limits time zone is the zone every date in the app is shown in.
    useTimeZoneStore.getState().set(timeZone);
    set({ timeZone });
  },
  dismiss: (state) => {
    const dismissed = new Set(get().dismissed);
    dismissed.add(limitId(state));
    set({ dismissed, exceeded: get().exceeded.filter((s) => !sameLimit(s, state)) });
  },
}));

/** Called by Settings → Limits after a save, so the banner reflects the new limits. */
export function limitsChanged(states: readonly LimitState[], timeZone: string): void {
  const store = useLimitAlerts.getState();
  store.setTimeZone(timeZone);
  store.prune(states, true);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The limit behind a LIMIT_EXCEEDED refusal of a chat turn (chat.error), from the details the core
 * attaches: the core announces a limit once per window, but every refusal should be visible. A
 * refusal because a model's price is unknown is not a limit being reached (the chat explains it).
 */
export function stateFromLimitError(error: { code: string; details?: Record<string, unknown> | undefined }): LimitState | null {
  if (error.code !== 'LIMIT_EXCEEDED' || !error.details) return null;
  const d = error.details;
  if (d.reason !== undefined) return null;
  const scope = LimitScope.safeParse(d.scope);
  const limit = num(d.limit);
  const used = num(d.used);
  if (!scope.success || limit === null || used === null || (d.unit !== 'tokens' && d.unit !== 'usd')) return null;
  const requested = num(d.requested) ?? 0;
  return {
    scope: scope.data,
    subject: typeof d.subject === 'string' ? d.subject : null,
    unit: d.unit,
    limit,
    used,
    reserved: num(d.reserved) ?? 0,
    fraction: limit > 0 ? (used + requested) / limit : 1,
    resetsAt: num(d.resetsAt),
    level: 'exceeded',
  };
}
