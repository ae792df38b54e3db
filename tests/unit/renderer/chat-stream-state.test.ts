import { describe, expect, it } from 'vitest';
import type { Attempt, ChatSendResponse } from '../../../shared/contract/index.js';
import { BridgeError } from '../../../renderer/src/bridge/errors.js';
import {
  isRunning,
  messageError,
  needsAnotherModel,
  patchFromError,
  patchFromResult,
  reduceTurn,
  startTurn,
  sumUsage,
} from '../../../renderer/src/features/chat/stream-state.js';

const attempt = (over: Partial<Attempt> = {}): Attempt => ({ provider: 'openai', model: 'gpt-4o-mini', keyId: 'k1', status: 'ok', chainIndex: 0, attempt: 1, kind: 'first', ...over });
const usage = { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0, estimated: false };

describe('stream event reduction', () => {
  it('collects deltas and attempts, moves from waiting to streaming, and ignores everything once settled', () => {
    let t = startTurn('c1', 'm1', 's1', 0);
    expect(t.phase).toBe('waiting');
    expect(isRunning(t)).toBe(true);
    t = reduceTurn(t, { type: 'attempt', attempt: attempt({ status: 'error', errorCode: 'RATE_LIMITED' }) });
    expect(t.phase).toBe('waiting');
    t = reduceTurn(t, { type: 'delta', text: 'Hel' });
    t = reduceTurn(t, { type: 'delta', text: '' });
    t = reduceTurn(t, { type: 'delta', text: 'lo' });
    expect(t).toMatchObject({ text: 'Hello', phase: 'streaming' });
    expect(t.attempts).toHaveLength(1);
    t = reduceTurn(t, { type: 'stopping' });
    // Text already on its way still shows while stopping.
    t = reduceTurn(t, { type: 'delta', text: '!' });
    expect(t).toMatchObject({ text: 'Hello!', phase: 'stopping' });
    t = reduceTurn(t, { type: 'settled', text: 'Hello! (final)' });
    expect(isRunning(t)).toBe(false);
    const after = reduceTurn(t, { type: 'delta', text: 'late' });
    expect(after).toBe(t);
    expect(isRunning(undefined)).toBe(false);
  });
});

describe('what a settled turn writes into the message', () => {
  it('takes the answer as authoritative: text, who answered, usage, cost, attempts, fallback note', () => {
    const result: ChatSendResponse = {
      text: 'Final text',
      usage: { ...usage, estimated: true },
      costUsd: null,
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      keyId: 'k2',
      source: 'user',
      attempts: [attempt({ status: 'error' }), attempt({ provider: 'anthropic', chainIndex: 1 })],
      fallbackNote: 'Answered by fallback 1',
      latencyMs: 1200,
      ttftMs: 300,
    };
    expect(patchFromResult(result, 'Claude')).toMatchObject({
      content: 'Final text',
      status: 'done',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      keyId: 'k2',
      keyLabel: 'Claude',
      costUsd: null,
      usage: { estimated: true },
      fallbackNote: 'Answered by fallback 1',
      error: undefined,
      streamId: undefined,
    });
  });

  it('a stop keeps the partial text and is marked cancelled, not failed', () => {
    const err = new BridgeError('CANCELLED', 'The turn was cancelled.', { partialText: 'Half an ans', attempts: [attempt({ status: 'cancelled' })] });
    const p = patchFromError(err, 'Half an');
    expect(p).toMatchObject({ status: 'cancelled', content: 'Half an ans', error: undefined });
    expect(p.attempts).toHaveLength(1);
    // Without partial text in the error, what streamed is kept.
    expect(patchFromError(new BridgeError('CANCELLED', 'x'), 'streamed so far').content).toBe('streamed so far');
  });

  it('a failure keeps what arrived and stores the message and hint, never a stack', () => {
    const err = new BridgeError('STREAM_INTERRUPTED', 'OpenAI stopped in the middle of the answer.', {
      partialText: 'Some text',
      hint: 'Send the message again to get a complete answer.',
      provider: 'openai',
      model: 'gpt-4o-mini',
      keyId: 'k1',
    });
    const p = patchFromError(err, '');
    expect(p).toMatchObject({ status: 'error', content: 'Some text', provider: 'openai', model: 'gpt-4o-mini', keyId: 'k1' });
    expect(p.error).toEqual({ code: 'STREAM_INTERRUPTED', message: 'OpenAI stopped in the middle of the answer.', hint: 'Send the message again to get a complete answer.' });

    const bug = new TypeError('x is undefined');
    const q = patchFromError(bug, '');
    expect(q.error?.code).toBe('INTERNAL');
    expect(JSON.stringify(q)).not.toContain('x is undefined');
    expect(JSON.stringify(q)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('ignores a provider id the contract does not know and attempts of the wrong shape', () => {
    const p = patchFromError(new BridgeError('PROVIDER_ERROR', 'bad', { provider: 'nope', attempts: [{ junk: true }, attempt()] }), '');
    expect(p.provider).toBeUndefined();
    expect(p.attempts).toHaveLength(1);
  });

  it('a limit error says which limit and when it resets; a validation error names its field', () => {
    const limit = messageError(
      new BridgeError('LIMIT_EXCEEDED', 'The daily token limit for OpenAI reached.', { scope: 'dailyTokens.provider', resetsAt: 1_800_000_000_000, timeZone: 'Europe/Berlin' }),
    );
    expect(limit).toMatchObject({ code: 'LIMIT_EXCEEDED', message: 'The daily token limit for OpenAI reached.', resetsAt: 1_800_000_000_000, timeZone: 'Europe/Berlin' });
    expect(messageError(new BridgeError('LIMIT_EXCEEDED', 'Session budget reached.', { resetsAt: null })).resetsAt).toBeNull();
    expect(messageError(new BridgeError('VALIDATION', 'params.maxTokens: too many', { field: 'params.maxTokens' })).field).toBe('params.maxTokens');
  });

  it('knows which failures need another model', () => {
    expect(needsAnotherModel('SESSION_ENDED')).toBe(true);
    expect(needsAnotherModel('KEY_NOT_FOUND')).toBe(true);
    expect(needsAnotherModel('SYSTEM_DEFAULT_UNAVAILABLE')).toBe(true);
    expect(needsAnotherModel('RATE_LIMITED')).toBe(false);
    expect(needsAnotherModel(undefined)).toBe(false);
  });

  it('sums what a turn that did not answer still used; unknown when any price is', () => {
    expect(sumUsage([])).toBeNull();
    expect(sumUsage([{ usage: { ...usage, inputTokens: 0, outputTokens: 0 }, costUsd: 0 }])).toBeNull();
    expect(sumUsage([{ usage, costUsd: 0.001 }, { usage: { ...usage, estimated: true, cacheReadTokens: 3 }, costUsd: 0.002 }])).toEqual({
      usage: { inputTokens: 20, cacheReadTokens: 3, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0, estimated: true },
      costUsd: 0.003,
    });
    expect(sumUsage([{ usage, costUsd: 0.001 }, { usage, costUsd: null }])?.costUsd).toBeNull();
  });
});
