import type { LimitsPatch, LimitScope, LimitState, ProviderId } from '../../../../../shared/contract/index.js';
import { fieldMessage } from '../../../bridge/errors.js';

/** One limit the page can set or clear. */
export type LimitTarget =
  | { kind: 'dailyTokens.provider'; provider: ProviderId }
  | { kind: 'dailyTokens.key'; keyId: string }
  | { kind: 'monthlyUsd.total' }
  | { kind: 'monthlyUsd.provider'; provider: ProviderId }
  | { kind: 'sessionUsd' };

export type LimitUnit = 'tokens' | 'usd';

export function unitOf(target: LimitTarget): LimitUnit {
  return target.kind.startsWith('dailyTokens') ? 'tokens' : 'usd';
}

/** The field path the core names in a VALIDATION error for this limit. */
export function fieldOf(target: LimitTarget): string {
  switch (target.kind) {
    case 'dailyTokens.provider':
      return `dailyTokens.provider.${target.provider}`;
    case 'dailyTokens.key':
      return `dailyTokens.key.${target.keyId}`;
    case 'monthlyUsd.total':
      return 'monthlyUsd.total';
    case 'monthlyUsd.provider':
      return `monthlyUsd.provider.${target.provider}`;
    case 'sessionUsd':
      return 'sessionUsd';
  }
}

/** The limits.set request that sets one limit, or clears it with null (other limits untouched). */
export function patchFor(target: LimitTarget, value: number | null): LimitsPatch {
  switch (target.kind) {
    case 'dailyTokens.provider':
      return { dailyTokens: { provider: { [target.provider]: value } } };
    case 'dailyTokens.key':
      return { dailyTokens: { key: { [target.keyId]: value } } };
    case 'monthlyUsd.total':
      return { monthlyUsd: { total: value } };
    case 'monthlyUsd.provider':
      return { monthlyUsd: { provider: { [target.provider]: value } } };
    case 'sessionUsd':
      return { sessionUsd: value };
  }
}

function subjectOf(target: LimitTarget): string | null {
  switch (target.kind) {
    case 'dailyTokens.provider':
    case 'monthlyUsd.provider':
      return target.provider;
    case 'dailyTokens.key':
      return target.keyId;
    default:
      return null;
  }
}

/** The current window of a limit from limits.get, if it is set. */
export function stateFor(states: readonly LimitState[] | undefined, target: LimitTarget): LimitState | undefined {
  if (target.kind === 'sessionUsd') return undefined;
  const scope: LimitScope = target.kind;
  const subject = subjectOf(target);
  return states?.find((s) => s.scope === scope && (s.subject ?? null) === subject);
}

export const MAX_TOKENS = 1e13;
export const MAX_USD = 1e9;

/**
 * Reads a limit as typed: "100,000" tokens, "$25" or "0.50" dollars. Errors say what is wrong in
 * words; the core checks again and its message is shown the same way.
 */
export function parseLimitInput(text: string, unit: LimitUnit): { value: number | null; error: string | null } {
  let cleaned = text.trim().replace(/[\s,_]/g, '');
  if (unit === 'usd') cleaned = cleaned.replace(/^\$/, '');
  if (cleaned === '') return { value: null, error: unit === 'tokens' ? 'Enter a number of tokens, or remove the limit.' : 'Enter an amount in US dollars, or remove the limit.' };
  const n = Number(cleaned);
  if (unit === 'tokens') {
    if (!Number.isFinite(n) || !Number.isInteger(n) || n <= 0) return { value: null, error: 'A whole number of tokens, more than 0 (e.g. 200000).' };
    if (n > MAX_TOKENS) return { value: null, error: `At most ${MAX_TOKENS.toLocaleString('en-US')} tokens.` };
    return { value: n, error: null };
  }
  if (!Number.isFinite(n) || n <= 0) return { value: null, error: 'An amount in US dollars, more than 0 (e.g. 25 or 0.50).' };
  if (n > MAX_USD) return { value: null, error: 'At most $1,000,000,000.' };
  return { value: n, error: null };
}

/** How a stored limit is shown in its input. */
export function formatLimitInput(value: number | null | undefined, unit: LimitUnit): string {
  if (value === null || value === undefined) return '';
  if (unit === 'tokens') return String(value);
  // Never exponent notation (1e-7): the field must read as dollars.
  return value.toFixed(9).replace(/\.?0+$/, '');
}

/**
 * The core's VALIDATION message without its "Invalid limits.set request: field: " prefix, when the
 * field is the one this row sent (the row shows it under its own input).
 */
export function rowErrorMessage(message: string, field: unknown, expected: string): string {
  return fieldMessage(message, field === expected ? field : undefined);
}

/** The IANA zones to offer: the platform's list, plus UTC and the ones in use if the list lacks them. */
export function timeZoneOptions(current: string | null, machine: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set(zones);
  for (const z of ['UTC', machine, current]) if (z) all.add(z);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** "UTC+01:00" at instant `now`, for labelling zones. */
export function utcOffsetLabel(timeZone: string, now: number): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(now)).find((p) => p.type === 'timeZoneName');
    const v = part?.value ?? 'GMT';
    return v === 'GMT' ? 'UTC+00:00' : v.replace('GMT', 'UTC');
  } catch {
    return '';
  }
}
