import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { teamClassifier, teamWireModel } from '../../../electron/core/team/team-adapter.js';
import { decideRetry } from '../../../electron/core/router/retry-policy.js';

const TOKEN = 'sbm_member_token_abcdefghijklmnop0123';
const classify = teamClassifier('http://127.0.0.1:8787/v1', TOKEN);
const apiError = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  APIError.generate(status, { error }, undefined, new Headers(headers));
const fresh = { retries: 0, waitedMs: 0, afterFirstToken: false };

describe('team call failures', () => {
  it('a budget refusal keeps the server’s words and is never retried', () => {
    const f = classify(apiError(429, { code: 'LIMIT_EXCEEDED', message: 'Your daily token budget is used: 250 of 250 tokens. It resets at 00:00 UTC.' }, { 'x-should-retry': 'false' }));
    expect(f).toMatchObject({ code: 'LIMIT_EXCEEDED', retryable: false, message: 'Your daily token budget is used: 250 of 250 tokens. It resets at 00:00 UTC.' });
    // Never sent again, never to the member's own keys; a later entry of the chain may still answer.
    expect(['stop', 'fallover']).toContain(decideRetry(f, fresh).kind);
  });

  it('a refused token asks to connect again and never sends the router to the member’s own keys', () => {
    for (const status of [401, 403, 402, 404]) {
      const f = classify(apiError(status, { code: 'X', message: `denied ${TOKEN}` }));
      expect(['KEY_INVALID', 'QUOTA_EXHAUSTED', 'PERMISSION_DENIED', 'UNAUTHORIZED']).not.toContain(f.code);
      expect(decideRetry(f, fresh).kind).not.toBe('next-key');
      expect(JSON.stringify(f)).not.toContain(TOKEN);
    }
    expect(classify(apiError(401, { code: 'UNAUTHORIZED', message: 'bad token' })).code).toBe('KEY_NEEDS_REENTRY');
  });

  it('an unreachable server or a server error is retried, named as the team server', () => {
    const net = classify(new APIConnectionError({ message: 'Connection error.', cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
    expect(net).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(net.message).toMatch(/team server at 127\.0\.0\.1:8787/);
    const down = classify(apiError(503, { code: 'PROVIDER_UNAVAILABLE', message: 'upstream overloaded' }));
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(/team server/);
  });

  it('asks the server for "default" for System default and "<provider>/<model>" for a team model', () => {
    expect(teamWireModel({ id: 'team:default', provider: 'openai' }, 'gpt-4o-mini')).toBe('default');
    expect(teamWireModel({ id: 'team:anthropic', provider: 'anthropic' }, 'claude-haiku-4-5')).toBe('anthropic/claude-haiku-4-5');
  });
});
