import { describe, expect, it } from 'vitest';
import { formatListTime, summarizeRefresh } from '../../../renderer/src/features/catalog/refresh-summary.js';

const ok = (provider: 'openrouter' | 'openai' | 'groq', listed: number, added: number, priced: number) => ({ provider, listed, added, priced, fetchedAt: '2026-07-03T09:30:00.000Z' });

describe('what the Models page says after a refresh', () => {
  it('per provider: listed, added, and whether prices came with them', () => {
    const s = summarizeRefresh([ok('openrouter', 5, 4, 4), ok('groq', 12, 3, 0), ok('openai', 7, 0, 0)], 'UTC');
    expect(s.tone).toBe('success');
    expect(s.title).toBe('Refreshed 3 providers: 7 models listed by providers.');
    expect(s.lines.map((l) => `${l.name}: ${l.text}`)).toEqual([
      'OpenRouter: 5 models listed · 4 added with the provider’s prices',
      'Groq: 12 models listed · 3 added, price unknown',
      'OpenAI: 7 models listed · nothing new (all in the catalog)',
    ]);
    // OpenRouter's live prices replace the catalog's; prices in the wrong units are counted.
    expect(summarizeRefresh([{ ...ok('openrouter', 34, 3, 3), repriced: 30, rejectedPrices: 1 }]).lines[0]?.text).toBe(
      '34 models listed · 3 added with the provider’s prices · 30 catalog models at OpenRouter’s own price · 1 price that could not be per token left unknown',
    );
    expect(summarizeRefresh([ok('openrouter', 5, 4, 3)]).lines[0]?.text).toBe('5 models listed · 4 added (3 with the provider’s prices, the rest price unknown)');
  });

  it('a failure says why, how to fix it, and which list stays in use', () => {
    const s = summarizeRefresh(
      [
        ok('openrouter', 5, 4, 4),
        { provider: 'groq', listed: 0, added: 0, priced: 0, fetchedAt: '2026-07-01T08:05:00.000Z', error: { code: 'KEY_INVALID', message: 'Groq rejected the API key (HTTP 401).', hint: 'The key is wrong.' } },
        { provider: 'openai', listed: 0, added: 0, priced: 0, fetchedAt: null, error: { code: 'NETWORK', message: 'Could not reach OpenAI.' } },
      ],
      'UTC',
    );
    expect(s.tone).toBe('warning');
    expect(s.title).toBe('Refreshed 1 of 3 providers; 2 failed.');
    expect(s.lines[1]).toMatchObject({ ok: false, text: 'Groq rejected the API key (HTTP 401).', detail: 'The key is wrong. Still using the list from 2026-07-01 08:05.' });
    expect(s.lines[2]).toMatchObject({ ok: false, detail: 'No earlier list is kept.' });
    const allFailed = summarizeRefresh([{ provider: 'openai', listed: 0, added: 0, priced: 0, fetchedAt: null, error: { code: 'NETWORK', message: 'x' } }]);
    expect(allFailed.title).toBe('No provider list could be refreshed (1 provider failed).');
  });

  it('nothing configured: says how to set a provider up', () => {
    expect(summarizeRefresh([])).toEqual({ tone: 'info', title: 'No provider is set up yet. Add a key in Settings → Providers & Keys, then refresh.', lines: [] });
  });

  it('times read as YYYY-MM-DD HH:MM in the given zone', () => {
    expect(formatListTime('2026-07-03T09:30:00.000Z', undefined, 'UTC')).toBe('2026-07-03 09:30');
    expect(formatListTime('2026-07-03T23:30:00.000Z', undefined, 'Europe/Berlin')).toBe('2026-07-04 01:30');
    expect(formatListTime('not a time')).toBe('not a time');
  });
});
