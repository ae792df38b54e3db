import { describe, expect, it } from 'vitest';
import { countAttempts, describeAttemptCounts } from '../../../shared/attempt-counts.js';
import type { Attempt, EventPayload } from '../../../shared/contract/index.js';
import { attemptKind, attemptOutcome, callKindText, targetName } from '../../../renderer/src/features/chat/call-kinds.js';
import { canSkip, reduceTurn, startTurn } from '../../../renderer/src/features/chat/stream-state.js';
import { parseSeconds } from '../../../renderer/src/features/settings/keys/first-token-form.js';

const a = (over: Partial<Attempt>): Attempt => ({ provider: 'openai', model: 'gpt-4o-mini', status: 'error', chainIndex: 0, attempt: 1, kind: 'first', ...over });

describe('attempt counts (one count for the error message and the attempts list)', () => {
  it('counts requests apart from skipped entries and limit refusals', () => {
    const attempts = [a({ status: 'skipped', errorCode: 'COOLING_DOWN' }), a({}), a({ kind: 'retry' }), a({ status: 'cancelled', errorCode: 'SKIPPED_BY_USER' }), a({ status: 'refused' }), a({ status: 'ok' })];
    expect(countAttempts(attempts)).toEqual({ requests: 4, skipped: 1, refused: 1 });
    expect(describeAttemptCounts(attempts)).toBe('4 requests, 1 skipped, 1 refused by a limit');
    expect(describeAttemptCounts([a({ status: 'ok' })])).toBe('1 request');
    expect(describeAttemptCounts([a({ status: 'refused' }), a({ status: 'refused' })])).toBe('0 requests, 2 refused by limits');
  });
});

describe('retry, key failover and fallback labels', () => {
  it('Usage → Calls names each kind, with the replaced key', () => {
    expect(callKindText('first', 1, null)).toBeNull();
    expect(callKindText('retry', 3, null)).toBe('retry, try 3');
    expect(callKindText('key-failover', 2, 'Work')).toBe('key failover from Work');
    expect(callKindText('key-failover', 2, null)).toBe('key failover from another key');
    expect(callKindText('fallback', 1, null)).toBe('fallback');
  });

  it('attempts stored before kinds existed read from their place in the chain', () => {
    expect(attemptKind({ chainIndex: 0, attempt: 1 })).toBe('first');
    expect(attemptKind({ chainIndex: 0, attempt: 2 })).toBe('retry');
    expect(attemptKind({ chainIndex: 1, attempt: 1 })).toBe('fallback');
    expect(attemptKind({ chainIndex: 1, attempt: 1, kind: 'key-failover' })).toBe('key-failover');
  });

  it('outcomes: a user skip and a limit refusal say so', () => {
    expect(attemptOutcome({ status: 'cancelled', errorCode: 'SKIPPED_BY_USER' }).label).toBe('skipped by you');
    expect(attemptOutcome({ status: 'cancelled' }).label).toBe('stopped');
    expect(attemptOutcome({ status: 'refused', errorCode: 'LIMIT_EXCEEDED' })).toEqual({ label: 'refused by a limit', tone: 'warning' });
    expect(targetName({ keyId: 'k', model: 'claude-haiku-4-5' })).toBe('claude-haiku-4-5');
    expect(targetName({ system: true })).toBe('the system default');
  });
});

describe('waiting for the first token', () => {
  const waiting = (over: Partial<EventPayload<'chat.waiting'>> = {}): EventPayload<'chat.waiting'> => ({
    streamId: 's1',
    sessionId: 'c1',
    provider: 'openai',
    model: 'gpt-4o-mini',
    chainIndex: 0,
    attempt: 1,
    kind: 'first',
    firstTokenTimeoutMs: 30_000,
    skipTo: { keyId: 'an', model: 'claude-haiku-4-5' },
    ...over,
  });

  it('keeps who is waited on and since when; skip is offered only while nothing is written and a next model exists', () => {
    let t = startTurn('c1', 'm1', 's1', 0);
    expect(canSkip(t)).toBe(false);
    t = reduceTurn(t, { type: 'waiting', event: waiting(), at: 1000 });
    expect(t.waiting).toMatchObject({ model: 'gpt-4o-mini', since: 1000, firstTokenTimeoutMs: 30_000, attemptsBefore: 0 });
    expect(canSkip(t)).toBe(true);
    t = reduceTurn(t, { type: 'skipping', on: true });
    expect(canSkip(t)).toBe(false);
    t = reduceTurn(t, { type: 'attempt', attempt: a({ status: 'cancelled', errorCode: 'SKIPPED_BY_USER' }) });
    t = reduceTurn(t, { type: 'waiting', event: waiting({ model: 'claude-haiku-4-5', provider: 'anthropic', chainIndex: 1, skipTo: null }), at: 5000 });
    expect(t).toMatchObject({ skipping: false, waiting: { model: 'claude-haiku-4-5', attemptsBefore: 1 } });
    expect(canSkip(t)).toBe(false);
    let w = reduceTurn(startTurn('c1', 'm1', 's1', 0), { type: 'waiting', event: waiting(), at: 0 });
    w = reduceTurn(w, { type: 'delta', text: 'Hi' });
    expect(canSkip(w)).toBe(false);
  });

  it('the first-token fields take whole seconds between 5 and 900', () => {
    expect(parseSeconds(' 45 ')).toEqual({ ok: true, seconds: 45 });
    expect(parseSeconds('')).toMatchObject({ ok: false });
    expect(parseSeconds('2.5')).toEqual({ ok: false, error: 'Use whole seconds, e.g. 30.' });
    expect(parseSeconds('4')).toEqual({ ok: false, error: 'Between 5 and 900 seconds.' });
    expect(parseSeconds('901')).toMatchObject({ ok: false });
  });
});
