import { describe, expect, it } from 'vitest';
import type { LimitState } from '../../../shared/contract/index.js';
import { LimitsPatch } from '../../../shared/contract/index.js';
import {
  fieldOf,
  formatLimitInput,
  parseLimitInput,
  patchFor,
  rowErrorMessage,
  stateFor,
  timeZoneOptions,
  utcOffsetLabel,
  type LimitTarget,
} from '../../../renderer/src/features/settings/limits/limits-form.js';
import { limitTitle, percent, resetText, usedOfLimit } from '../../../renderer/src/features/usage/limit-text.js';
import { limitsChanged, useLimitAlerts } from '../../../renderer/src/features/usage/limit-alerts.js';

const targets: LimitTarget[] = [
  { kind: 'dailyTokens.provider', provider: 'openai' },
  { kind: 'dailyTokens.key', keyId: 'key_1' },
  { kind: 'monthlyUsd.total' },
  { kind: 'monthlyUsd.provider', provider: 'anthropic' },
  { kind: 'sessionUsd' },
];

function state(over: Partial<LimitState>): LimitState {
  return { scope: 'dailyTokens.provider', subject: 'openai', unit: 'tokens', limit: 1000, used: 500, reserved: 0, fraction: 0.5, resetsAt: Date.UTC(2026, 10, 24), level: 'ok', ...over };
}

describe('limit patches', () => {
  it('each limit sets and clears only itself, in the contract’s shape', () => {
    for (const t of targets) {
      const value = t.kind.startsWith('daily') ? 5000 : 2.5;
      expect(LimitsPatch.safeParse(patchFor(t, value)).success, t.kind).toBe(true);
      expect(LimitsPatch.safeParse(patchFor(t, null)).success, t.kind).toBe(true);
    }
    expect(patchFor({ kind: 'dailyTokens.provider', provider: 'openai' }, 5000)).toEqual({ dailyTokens: { provider: { openai: 5000 } } });
    expect(patchFor({ kind: 'dailyTokens.key', keyId: 'key_1' }, null)).toEqual({ dailyTokens: { key: { key_1: null } } });
    expect(patchFor({ kind: 'monthlyUsd.total' }, 20)).toEqual({ monthlyUsd: { total: 20 } });
    expect(patchFor({ kind: 'sessionUsd' }, null)).toEqual({ sessionUsd: null });
  });

  it('knows the field path the core names in its errors', () => {
    expect(targets.map(fieldOf)).toEqual(['dailyTokens.provider.openai', 'dailyTokens.key.key_1', 'monthlyUsd.total', 'monthlyUsd.provider.anthropic', 'sessionUsd']);
    expect(rowErrorMessage('Invalid limits.set request: dailyTokens.provider.openai: Too small: expected number to be >0', 'dailyTokens.provider.openai', 'dailyTokens.provider.openai')).toBe(
      'Too small: expected number to be >0',
    );
    expect(rowErrorMessage('Invalid limits.set request: timeZone: not a known IANA time zone', 'timeZone', 'timeZone')).toBe('Not a known IANA time zone');
  });

  it('finds the current window of a set limit', () => {
    const states = [state({}), state({ scope: 'dailyTokens.key', subject: 'key_1' }), state({ scope: 'monthlyUsd.total', subject: null, unit: 'usd' })];
    expect(stateFor(states, { kind: 'dailyTokens.key', keyId: 'key_1' })?.scope).toBe('dailyTokens.key');
    expect(stateFor(states, { kind: 'monthlyUsd.total' })?.subject).toBeNull();
    expect(stateFor(states, { kind: 'monthlyUsd.provider', provider: 'openai' })).toBeUndefined();
    expect(stateFor(states, { kind: 'sessionUsd' })).toBeUndefined();
  });
});

describe('limit inputs', () => {
  it('reads tokens as whole numbers, separators allowed', () => {
    expect(parseLimitInput('100,000', 'tokens')).toEqual({ value: 100000, error: null });
    expect(parseLimitInput(' 2 000 ', 'tokens')).toEqual({ value: 2000, error: null });
    expect(parseLimitInput('1.5', 'tokens').error).toMatch(/whole number of tokens/);
    expect(parseLimitInput('0', 'tokens').error).toMatch(/more than 0/);
    expect(parseLimitInput('-5', 'tokens').error).toMatch(/more than 0/);
    expect(parseLimitInput('1e14', 'tokens').error).toMatch(/At most/);
    expect(parseLimitInput('', 'tokens').error).toMatch(/remove the limit/);
  });

  it('reads dollars with an optional $ sign', () => {
    expect(parseLimitInput('$25', 'usd')).toEqual({ value: 25, error: null });
    expect(parseLimitInput('0.50', 'usd')).toEqual({ value: 0.5, error: null });
    expect(parseLimitInput('1,250.75', 'usd')).toEqual({ value: 1250.75, error: null });
    expect(parseLimitInput('ten', 'usd').error).toMatch(/US dollars/);
    expect(parseLimitInput('0', 'usd').error).toMatch(/more than 0/);
  });

  it('shows stored values without exponent notation', () => {
    expect(formatLimitInput(1e-7, 'usd')).toBe('0.0000001');
    expect(formatLimitInput(5, 'usd')).toBe('5');
    expect(formatLimitInput(0.5, 'usd')).toBe('0.5');
    expect(formatLimitInput(100000, 'tokens')).toBe('100000');
    expect(formatLimitInput(null, 'tokens')).toBe('');
  });
});

describe('limit text', () => {
  it('titles name the subject, keys by their label', () => {
    const names = new Map([['key_1', 'Work …a1b2']]);
    expect(limitTitle(state({}), names)).toBe('Daily tokens · OpenAI');
    expect(limitTitle(state({ scope: 'dailyTokens.key', subject: 'key_1' }), names)).toBe('Daily tokens · key Work …a1b2');
    expect(limitTitle(state({ scope: 'dailyTokens.key', subject: 'key_gone' }), names)).toBe('Daily tokens · key key_gone');
    expect(limitTitle(state({ scope: 'monthlyUsd.total', subject: null }))).toBe('Monthly spend · all providers');
  });

  it('use is "used of limit", with the reserved part inside used', () => {
    expect(usedOfLimit(state({ used: 1526, limit: 2000 }), 'en-US')).toBe('1,526 of 2,000 tokens');
    expect(usedOfLimit(state({ unit: 'usd', used: 0.000345, limit: 5 }), 'en-US')).toBe('$0.000345 of $5.00');
  });

  it('the meter shows what is used, capped at 100, not the refused call’s worst case', () => {
    expect(percent(state({ used: 1526, limit: 2000, fraction: 8.97 }))).toBe(76.3);
    expect(percent(state({ used: 2500, limit: 2000 }))).toBe(100);
    expect(percent(state({ used: 0, limit: 2000 }))).toBe(0);
  });

  it('reset times are in the limits’ zone', () => {
    const midnightUtc = Date.UTC(new Date().getUTCFullYear(), 10, 24);
    expect(resetText(midnightUtc, 'UTC', 'en-US')).toBe('Resets Nov 24, 12:00 AM');
    expect(resetText(midnightUtc, 'Asia/Tokyo', 'en-US')).toBe('Resets Nov 24, 9:00 AM');
    expect(resetText(midnightUtc, 'UTC', 'en-GB')).toBe('Resets 24 Nov, 00:00');
    expect(resetText(null, 'UTC', 'en-US')).toBe('Does not reset');
  });
});

describe('time zones', () => {
  it('offers the platform’s IANA zones plus UTC and the zones in use', () => {
    const zones = timeZoneOptions('Etc/GMT+5', 'Europe/Berlin');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Europe/Berlin');
    expect(zones).toContain('Etc/GMT+5');
    expect(zones).toContain('America/New_York');
    expect([...zones].sort((a, b) => a.localeCompare(b))).toEqual(zones);
  });

  it('labels offsets at a given instant, DST included', () => {
    expect(utcOffsetLabel('UTC', Date.UTC(2026, 0, 1))).toBe('UTC+00:00');
    expect(utcOffsetLabel('Europe/Berlin', Date.UTC(2026, 0, 1))).toBe('UTC+01:00');
    expect(utcOffsetLabel('Europe/Berlin', Date.UTC(2026, 6, 1))).toBe('UTC+02:00');
    expect(utcOffsetLabel('Asia/Kolkata', Date.UTC(2026, 6, 1))).toBe('UTC+05:30');
  });
});

describe('the limit banner’s alerts', () => {
  it('shows a refusal until dismissed or the limit is raised', () => {
    useLimitAlerts.setState({ exceeded: [], dismissed: new Set(), timeZone: null });
    const refused = state({ used: 1526, limit: 2000, fraction: 8.9, level: 'exceeded', scope: 'dailyTokens.key', subject: 'key_1' });
    useLimitAlerts.getState().report(refused);
    expect(useLimitAlerts.getState().exceeded).toHaveLength(1);

    // Another limit changed: the refusal still stands.
    limitsChanged([state({ scope: 'dailyTokens.key', subject: 'key_1', used: 1526, limit: 2000, level: 'ok' })], 'UTC');
    expect(useLimitAlerts.getState().exceeded).toHaveLength(1);

    // This limit was raised: gone.
    limitsChanged([state({ scope: 'dailyTokens.key', subject: 'key_1', used: 1526, limit: 100000, level: 'ok' })], 'UTC');
    expect(useLimitAlerts.getState().exceeded).toHaveLength(0);
  });

  it('a removed limit drops its alert; a dismissed one does not come back in the same window', () => {
    useLimitAlerts.setState({ exceeded: [], dismissed: new Set(), timeZone: null });
    const s = state({ level: 'exceeded', used: 1000 });
    useLimitAlerts.getState().report(s);
    limitsChanged([], 'UTC');
    expect(useLimitAlerts.getState().exceeded).toHaveLength(0);

    useLimitAlerts.getState().report(s);
    useLimitAlerts.getState().dismiss(s);
    useLimitAlerts.getState().report(s);
    expect(useLimitAlerts.getState().exceeded).toHaveLength(0);
    // The next day's window is a new alert.
    useLimitAlerts.getState().report({ ...s, resetsAt: s.resetsAt! + 86_400_000 });
    expect(useLimitAlerts.getState().exceeded).toHaveLength(1);
  });
});

describe('refusals from chat errors', () => {
  it('turns a LIMIT_EXCEEDED refusal into the banner’s state', async () => {
    const { stateFromLimitError } = await import('../../../renderer/src/features/usage/limit-alerts.js');
    const details = { scope: 'dailyTokens.key', subject: 'key_1', unit: 'tokens', used: 1526, reserved: 0, requested: 16393, limit: 2000, resetsAt: 1795478400000, timeZone: 'UTC' };
    expect(stateFromLimitError({ code: 'LIMIT_EXCEEDED', details })).toEqual({
      scope: 'dailyTokens.key',
      subject: 'key_1',
      unit: 'tokens',
      limit: 2000,
      used: 1526,
      reserved: 0,
      fraction: (1526 + 16393) / 2000,
      resetsAt: 1795478400000,
      level: 'exceeded',
    });
  });

  it('ignores other errors, unknown-price refusals and malformed details', async () => {
    const { stateFromLimitError } = await import('../../../renderer/src/features/usage/limit-alerts.js');
    expect(stateFromLimitError({ code: 'RATE_LIMITED', details: { scope: 'sessionUsd' } })).toBeNull();
    expect(stateFromLimitError({ code: 'LIMIT_EXCEEDED', details: { scope: 'monthlyUsd.total', unit: 'usd', used: 1, limit: 5, reason: 'price-unknown' } })).toBeNull();
    expect(stateFromLimitError({ code: 'LIMIT_EXCEEDED', details: { scope: 'nonsense', unit: 'usd', used: 1, limit: 5 } })).toBeNull();
    expect(stateFromLimitError({ code: 'LIMIT_EXCEEDED' })).toBeNull();
  });
});
