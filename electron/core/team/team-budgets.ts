import type { EventName, EventPayload, LimitState } from '../../../shared/contract/index.js';
import { isValidTimeZone, zone } from '../metering/time-zone.js';
import type { TeamMe } from './team-client.js';

/** Local limits warn at the same point (limits/admission.ts). */
const WARN_AT = 0.8;

/**
 * The member's budgets on the team server as limit states, so they show like local limits (meter,
 * warning at 80 %, "limit reached"). Days and months reset in the team's time zone; the server
 * decides every call, these only describe its last answer.
 */
export function teamBudgetStates(me: TeamMe | null, now: number): LimitState[] {
  if (!me) return [];
  const tz = me.team?.timeZone;
  const z = zone(tz && isValidTimeZone(tz) ? tz : 'UTC');
  // The server's own reset times when it gives them and they are still ahead; else its zone's next midnight.
  const ahead = (t: number | undefined) => (t !== undefined && t > now ? t : undefined);
  const out: LimitState[] = [];
  const daily = me.limits.dailyTokens;
  if (daily !== null && daily !== undefined) out.push(state('team.dailyTokens', 'tokens', daily, me.used.dailyTokens ?? 0, ahead(me.resets?.day) ?? z.dayWindow(now).end));
  const monthly = me.limits.monthlyUsd;
  if (monthly !== null && monthly !== undefined) out.push(state('team.monthlyUsd', 'usd', monthly, me.used.monthlyUsd ?? 0, ahead(me.resets?.month) ?? z.monthWindow(now).end));
  return out;
}

function state(scope: LimitState['scope'], unit: LimitState['unit'], limit: number, used: number, resetsAt: number): LimitState {
  const fraction = limit > 0 ? used / limit : used > 0 ? Infinity : 1;
  const f = Number.isFinite(fraction) ? fraction : 1;
  return { scope, subject: null, unit, limit, used, reserved: 0, fraction: f, resetsAt, level: f >= 1 ? 'exceeded' : f >= WARN_AT ? 'warning' : 'ok' };
}

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Announces a team budget once per window when it passes 80 % and when it is reached, like local limits do. */
export class BudgetAlerts {
  private readonly said = new Map<string, 'warning' | 'exceeded'>();

  constructor(private readonly emit: Emit) {}

  update(states: readonly LimitState[]): void {
    for (const s of states) {
      if (s.level === 'ok') continue;
      const key = `${s.scope}|${s.resetsAt ?? ''}`;
      const before = this.said.get(key);
      if (before === 'exceeded' || before === s.level) continue;
      this.said.set(key, s.level);
      this.emit(s.level === 'exceeded' ? 'limits.exceeded' : 'limits.warning', { state: s });
    }
    if (this.said.size > 100) this.said.clear();
  }

  reset(): void {
    this.said.clear();
  }
}
