import { describe, expect, it } from 'vitest';
import { describeAttemptCounts } from '../../../shared/attempt-counts.js';
import { rejection } from '../../helpers/assert.js';
import { fail, limitRefusal, reply } from './fakes.js';
import { ANTHROPIC, routerSetup, sendVia, settledOnce } from './setup.js';

const openaiDaily = limitRefusal('dailyTokens.provider', 'The daily token limit for OpenAI reached: 900 of 1,000 tokens used.', { subject: 'openai' });

// Issue 11 items 4 and 5: a limit on one entry falls over to the next like any other failure before
// the first token, recorded as an attempt; only a limit covering every entry ends the turn at once;
// the headline and the attempts agree.
describe('limit refusals in the chain', () => {
  it('a provider’s daily limit falls over to the fallback, recorded as a refused attempt with the limit’s message', async () => {
    const s = routerSetup();
    s.admission.refuse = (req) => (req.provider === 'openai' ? openaiDaily : null);
    s.adapters.on('oa1', () => reply('never'));
    s.adapters.on('an1', () => reply('claude answers'));
    const r = await sendVia(s, { fallbacks: [ANTHROPIC] });
    expect(r).toMatchObject({ provider: 'anthropic', text: 'claude answers' });
    expect(s.adapters.count('oa1')).toBe(0);
    expect(r.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', status: 'refused', errorCode: 'LIMIT_EXCEEDED', errorMessage: openaiDaily.message, chainIndex: 0 }),
      expect.objectContaining({ provider: 'anthropic', status: 'ok', chainIndex: 1, kind: 'fallback' }),
    ]);
    expect(r.fallbackNote).toMatch(/fallback 1 .*because the daily token limit for OpenAI reached/);
    // A refusal is no provider request: no ledger row, and the fallback points at nothing.
    expect(s.admission.rows).toHaveLength(1);
    expect(s.admission.rows[0]!.request.fallbackOf).toBeNull();
    expect(settledOnce(s)).toBe(true);
  });

  it('a key’s daily limit falls over to the next entry, never to the provider’s other keys', async () => {
    const s = routerSetup();
    s.admission.refuse = (req) => (req.keyId === 'oa1' ? limitRefusal('dailyTokens.key', 'The daily token limit for key oa1 reached.', { subject: 'oa1' }) : null);
    s.adapters.on('oa2', () => reply('never'));
    s.adapters.on('an1', () => reply('claude'));
    const r = await sendVia(s, { fallbacks: [ANTHROPIC] });
    expect(r.provider).toBe('anthropic');
    expect(s.adapters.count('oa2')).toBe(0);
    expect(r.attempts.map((a) => [a.keyId, a.status, a.kind])).toEqual([
      ['oa1', 'refused', 'first'],
      ['an1', 'ok', 'fallback'],
    ]);
    // Alone in its chain, the key's limit ends the turn.
    expect((await rejection(sendVia(s))).code).toBe('LIMIT_EXCEEDED');
    expect(s.adapters.count('oa2')).toBe(0);
  });

  it.each(['monthlyUsd.total', 'sessionUsd'])('a %s limit covers every entry: the turn ends at once, and its attempts show the refusal', async (scope) => {
    const s = routerSetup();
    s.admission.refuse = () => limitRefusal(scope, 'The monthly spending cap reached.');
    s.adapters.on('oa1', () => reply('never'));
    s.adapters.on('an1', () => reply('never'));
    const err = await rejection(sendVia(s, { fallbacks: [ANTHROPIC] }));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.details?.scope).toBe(scope);
    expect(s.adapters.calls).toHaveLength(0);
    expect(err.details?.attempts).toEqual([expect.objectContaining({ provider: 'openai', status: 'refused', errorCode: 'LIMIT_EXCEEDED' })]);
  });

  it('a total cap refusing a model whose price is unknown is about that model: the fallback is tried', async () => {
    const s = routerSetup();
    s.admission.refuse = (req) => (req.provider === 'openai' ? limitRefusal('monthlyUsd.total', 'Price unknown.', { reason: 'price-unknown' }) : null);
    s.adapters.on('an1', () => reply('priced'));
    const r = await sendVia(s, { fallbacks: [ANTHROPIC] });
    expect(r.provider).toBe('anthropic');
  });

  it('when every entry fails, the headline is the failure that ended the turn and it counts what the attempts show', async () => {
    const s = routerSetup();
    s.admission.refuse = (req) => (req.provider === 'anthropic' ? limitRefusal('dailyTokens.provider', 'The daily token limit for Anthropic reached.') : null);
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    const err = await rejection(sendVia(s, { fallbacks: [ANTHROPIC] }));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    const attempts = err.details?.attempts as Parameters<typeof describeAttemptCounts>[0];
    expect(attempts.map((a) => a.status)).toEqual(['error', 'error', 'error', 'error', 'refused']);
    expect(attempts.at(-1)).toMatchObject({ errorCode: 'LIMIT_EXCEEDED', provider: 'anthropic' });
    expect(describeAttemptCounts(attempts)).toBe('4 requests, 1 refused by a limit');
    expect(err.message).toContain('(gave up after 4 requests, 1 refused by a limit)');
  });

  it('cooling-down skips are counted apart from requests, in the message as in the list', async () => {
    const s = routerSetup();
    s.router.health.record({ provider: 'openai', keyId: 'oa1', ok: false, errorCode: 'PROVIDER_UNAVAILABLE', latencyMs: 1, ttftMs: null });
    s.router.health.record({ provider: 'openai', keyId: 'oa1', ok: false, errorCode: 'PROVIDER_UNAVAILABLE', latencyMs: 1, ttftMs: null });
    s.router.health.record({ provider: 'openai', keyId: 'oa1', ok: false, errorCode: 'PROVIDER_UNAVAILABLE', latencyMs: 1, ttftMs: null });
    expect(s.router.health.isCoolingDown('oa1')).toBe(true);
    s.adapters.on('oa1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    s.adapters.on('an1', () => fail('PROVIDER_UNAVAILABLE', { status: 500 }));
    const err = await rejection(sendVia(s, { fallbacks: [ANTHROPIC] }));
    const attempts = err.details?.attempts as Parameters<typeof describeAttemptCounts>[0];
    expect(attempts[0]).toMatchObject({ status: 'skipped', errorCode: 'COOLING_DOWN' });
    expect(describeAttemptCounts(attempts)).toBe('8 requests, 1 skipped');
    expect(err.message).toContain(`(gave up after ${describeAttemptCounts(attempts)})`);
  });
});
