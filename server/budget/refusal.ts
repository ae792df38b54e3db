import { AppError, type ProviderId } from '../../shared/contract/index.js';
import { formatLocal } from '../../electron/core/limits/admission.js';
import { zone } from '../../electron/core/metering/time-zone.js';

/** What sb_admit answers when a budget cannot cover a call. */
export interface Refusal {
  scope: 'member_daily_tokens' | 'member_monthly_usd' | 'member_monthly_usd_unpriced' | 'team_monthly_usd' | 'team_monthly_usd_unpriced' | null;
  limit_value: number | null;
  used: number | null;
  reserved: number | null;
  resets_at: Date | null;
  time_zone: string | null;
}

const NAMES = {
  member_daily_tokens: 'your daily token budget',
  member_monthly_usd: 'your monthly budget',
  team_monthly_usd: "the team's monthly budget",
} as const;

/**
 * LIMIT_EXCEEDED naming the limit, what is used of it (settled, and held by calls still running),
 * what this call needed, and when the window resets — in words for people, in the team's time zone,
 * as the app says it (formatLocal); `details.resetsAt` keeps the exact instant for programs. A limit
 * with room left refused a call only for its worst case, so the message says a smaller answer fits.
 */
export function limitExceeded(row: Refusal, call: { tokens: number; nano: number | null; provider: ProviderId; model: string }): AppError {
  const scope = row.scope ?? 'team_monthly_usd';
  const resets = row.resets_at ? row.resets_at.toISOString() : null;
  const when = row.resets_at ? ` It resets at ${resetsText(row.resets_at, row.time_zone ?? 'UTC')}.` : '';
  if (scope === 'member_monthly_usd_unpriced' || scope === 'team_monthly_usd_unpriced') {
    const which = scope === 'member_monthly_usd_unpriced' ? NAMES.member_monthly_usd : NAMES.team_monthly_usd;
    return new AppError(
      'LIMIT_EXCEEDED',
      `The price of ${call.provider}/${call.model} is unknown, so ${which} (${usd(row.limit_value ?? 0)}) cannot be guaranteed; the call was refused before it reached the provider.`,
      { scope: scope.replace('_unpriced', ''), limit: usdNumber(row.limit_value), unit: 'usd', resetsAt: resets, hint: 'Ask the team owner to choose a priced model, or to set a price for this one.' },
    );
  }
  const used = row.used ?? 0;
  const reserved = row.reserved ?? 0;
  const limit = row.limit_value ?? 0;
  const state = used + reserved >= limit ? 'is used up' : 'cannot cover this call';
  const smaller = used + reserved < limit ? ' A lower max_tokens for the answer reserves less.' : '';
  if (scope === 'member_daily_tokens') {
    return new AppError(
      'LIMIT_EXCEEDED',
      `Your daily token budget ${state}: ${fmt(used + reserved)} of ${fmt(limit)} tokens used${reserved > 0 ? ` (${fmt(reserved)} held by calls still running)` : ''}, and this call may use up to ${fmt(call.tokens)}.${when}${smaller}`,
      { scope: 'member_daily_tokens', limit, used: used + reserved, unit: 'tokens', resetsAt: resets },
    );
  }
  const name = NAMES[scope];
  return new AppError(
    'LIMIT_EXCEEDED',
    `${capitalize(name)} ${state}: ${usd(used + reserved)} of ${usd(limit)} used${reserved > 0 ? ` (${usd(reserved)} held by calls still running)` : ''}, and this call may cost up to ${usd(call.nano ?? 0)}.${when}${smaller}`,
    { scope, limit: usdNumber(limit), used: usdNumber(used + reserved), unit: 'usd', resetsAt: resets },
  );
}

/** "Dec 8, 00:00 (Europe/Berlin)"; a zone this process cannot name falls back to UTC. */
function resetsText(at: Date, timeZone: string): string {
  try {
    return `${formatLocal(zone(timeZone), at.getTime())} (${timeZone})`;
  } catch {
    return `${formatLocal(zone('UTC'), at.getTime())} (UTC)`;
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function usd(nano: number): string {
  const v = nano / 1e9;
  return `$${v < 0.01 && v > 0 ? v.toPrecision(2) : v.toFixed(2)}`;
}

function usdNumber(nano: number | null): number | null {
  return nano === null ? null : nano / 1e9;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
