import { describe, expect, it } from 'vitest';
import type { Message } from '../../../renderer/src/db/schema.js';
import { formatCostExact } from '../../../renderer/src/features/usage/money.js';
import { formatCost, formatCostRange, formatResetTime, formatTokenCount, formatUsage, usageParts } from '../../../renderer/src/features/chat/format.js';
import { buildHistory, lastAnswer, orphanedStreams, unansweredTurns } from '../../../renderer/src/features/chat/history.js';

let t = 0;
function msg(role: Message['role'], content: string, extra: Partial<Message> = {}): Message {
  t += 1;
  return { id: `m${t}`, conversationId: 'c1', role, content, createdAt: t, status: 'done', ...extra };
}

const usage = (over: Partial<Message['usage'] & object> = {}) => ({
  inputTokens: 1000,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 500,
  reasoningTokens: 0,
  estimated: false,
  ...over,
});

describe('history sent to the model', () => {
  it('is the conversation as shown, without answers being written or turns that produced no text', () => {
    const messages = [
      msg('user', 'Hi'),
      msg('assistant', 'Hello!'),
      msg('user', 'Fail please'),
      msg('assistant', '', { status: 'error', error: { code: 'PROVIDER_UNAVAILABLE', message: 'down' } }),
      msg('user', 'Stop early'),
      msg('assistant', 'Partial answ', { status: 'cancelled' }),
      msg('user', 'Again'),
      msg('assistant', 'streaming…', { status: 'streaming' }),
    ];
    expect(buildHistory(messages)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      // "Fail please" got no answer: it is not sent again with later messages.
      { role: 'user', content: 'Stop early' },
      // A stopped answer's partial text was seen by the user: it stays in the history.
      { role: 'assistant', content: 'Partial answ' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('leaves out questions whose turn got no text, unless the user included them; a retry sends its own question', () => {
    const messages = [
      msg('user', 'Q1 fails'),
      msg('assistant', '', { status: 'error', error: { code: 'PROVIDER_UNAVAILABLE', message: 'down' } }),
      msg('user', 'Q2 stopped'),
      msg('assistant', '', { status: 'cancelled' }),
      msg('user', 'Q3 included', { includeInHistory: true }),
      msg('assistant', '', { status: 'error', error: { code: 'TIMEOUT', message: 'slow' } }),
      msg('user', 'Q4'),
      msg('assistant', '', { status: 'error', error: { code: 'TIMEOUT', message: 'slow' } }),
    ];
    expect([...unansweredTurns(messages)].map(([id, t]) => [messages.find((m) => m.id === id)!.content, t.included])).toEqual([
      ['Q1 fails', false],
      ['Q2 stopped', false],
      ['Q3 included', true],
      ['Q4', false],
    ]);
    expect(buildHistory(messages).map((m) => m.content)).toEqual(['Q3 included']);
    // Retrying the last turn sends its question (the turn is being answered again).
    expect(buildHistory(messages, messages[7]!.id).map((m) => m.content)).toEqual(['Q3 included', 'Q4']);
    // A question being answered right now, or not answered yet, is not "unanswered".
    expect(unansweredTurns([msg('user', 'Q'), msg('assistant', '', { status: 'streaming' })]).size).toBe(0);
    expect(unansweredTurns([msg('user', 'Q')]).size).toBe(0);
  });

  it('stops before the message being retried or regenerated', () => {
    const messages = [msg('user', 'Q1'), msg('assistant', 'A1'), msg('user', 'Q2'), msg('assistant', 'A2')];
    expect(buildHistory(messages, messages[3]!.id)).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ]);
    expect(buildHistory(messages, messages[0]!.id)).toEqual([]);
  });

  it('keeps whitespace-only messages out and the newest 10,000 when longer', () => {
    expect(buildHistory([msg('user', '   \n'), msg('user', 'x')])).toEqual([{ role: 'user', content: 'x' }]);
    const many = Array.from({ length: 10_005 }, (_, i) => msg('user', `n${i}`));
    const h = buildHistory(many);
    expect(h).toHaveLength(10_000);
    expect(h[0]!.content).toBe('n5');
  });

  it('finds the last answer and answers left streaming by a closed page', () => {
    const a = msg('assistant', 'A', { status: 'streaming' });
    const b = msg('assistant', 'B', { status: 'streaming' });
    expect(lastAnswer([msg('user', 'q'), b])).toBe(b);
    expect(lastAnswer([b, msg('user', 'q')])).toBeNull();
    expect(orphanedStreams([a, b], b.id)).toEqual([a]);
    expect(orphanedStreams([a, b], null)).toEqual([a, b]);
  });
});

describe('token and cost formatting', () => {
  it('shows input and output always, cache and reasoning only when non-zero', () => {
    expect(usageParts(usage()).map((p) => p.key)).toEqual(['input', 'output']);
    expect(formatUsage(usage({ cacheReadTokens: 200, reasoningTokens: 40, outputTokens: 300 }))).toBe('1,000 in · 200 cached · 300 out · 40 reasoning');
    expect(formatUsage(usage({ cacheWriteTokens: 64 }))).toBe('1,000 in · 64 cache write · 500 out');
    expect(formatTokenCount(1234567)).toBe('1,234,567');
  });

  it('writes an answer’s cost exactly as recorded, the same figure as its row in Usage, and never shows an unknown price as $0', () => {
    expect(formatCost(null)).toBe('price unknown');
    expect(formatCost(undefined)).toBe('price unknown');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.00045)).toBe('$0.00045');
    expect(formatCost(0.000017)).toBe('$0.000017');
    // Not rounded to two digits: the conversation header and Usage → Calls show $0.0000183 for the same call.
    expect(formatCost(0.0000183)).toBe('$0.0000183');
    expect(formatCost(0.0000183)).toBe(formatCostExact(0.0000183));
    expect(formatCost(0.000000457)).toBe('$0.000000457');
    expect(formatCost(0.0123)).toBe('$0.0123');
    expect(formatCost(0.5)).toBe('$0.50');
    expect(formatCost(12.345)).toBe('$12.345');
    expect(formatCost(Number.NaN)).toBe('price unknown');
  });

  it('writes the next turn’s cost range', () => {
    expect(formatCostRange(0.0002, 0.0098)).toBe('$0.0002–$0.0098');
    expect(formatCostRange(0.01, 0.01)).toBe('$0.01');
    expect(formatCostRange(null, 0.1)).toBe('price unknown');
  });

  it('says when a limit resets in its own time zone', () => {
    const ms = Date.UTC(new Date().getUTCFullYear(), 5, 1, 22, 0);
    expect(formatResetTime(ms, 'Europe/Berlin', 'en-US')).toBe('Jun 2, 12:00 AM (Europe/Berlin)');
    expect(formatResetTime(ms, 'Europe/Berlin', 'en-GB')).toBe('2 Jun, 00:00 (Europe/Berlin)');
    expect(formatResetTime(ms, 'UTC', 'en-US')).toBe('Jun 1, 10:00 PM (UTC)');
    // An unknown zone still gives a time rather than failing.
    expect(formatResetTime(ms, 'Not/AZone', 'en-US')).toMatch(/Jun \d/);
  });
});

describe('why a conversation’s key is missing', () => {
  it('tells a real deletion from keys that were kept for the last session only', async () => {
    const { missingKeyReason } = await import('../../../renderer/src/features/chat/missing-key.js');
    const sessionOnly = { persistent: false, locked: false };
    expect(missingKeyReason([{ action: 'add', result: 'ok' }], sessionOnly)).toBe('session-only');
    expect(missingKeyReason([{ action: 'add', result: 'ok' }, { action: 'delete', result: 'ok' }], sessionOnly)).toBe('deleted');
    expect(missingKeyReason([{ action: 'delete', result: 'failed' }], { persistent: true, locked: false })).toBe('unknown');
    expect(missingKeyReason([], undefined)).toBe('unknown');
  });
});
