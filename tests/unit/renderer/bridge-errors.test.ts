import { describe, expect, it } from 'vitest';
import { BridgeError, codeForStatus, describeError, errorFromPayload, errorText, fieldMessage } from '../../../renderer/src/bridge/errors.js';

describe('errorFromPayload', () => {
  it('reads the web host shape {error: {code, message, details}}', () => {
    const err = errorFromPayload({ error: { code: 'KEY_INVALID', message: 'OpenAI rejected the key.', details: { hint: 'Copy it again.' } } }, 400);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err.code).toBe('KEY_INVALID');
    expect(err.message).toBe('OpenAI rejected the key.');
    expect(err.details).toEqual({ hint: 'Copy it again.' });
    expect(err.hint).toBe('Copy it again.');
    expect(err.status).toBe(400);
  });

  it('reads the bare Electron envelope payload', () => {
    const err = errorFromPayload({ code: 'LIMIT_EXCEEDED', message: 'Monthly cap reached.' });
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.message).toBe('Monthly cap reached.');
    expect(err.details).toBeUndefined();
  });

  it('keeps an unknown code in details and falls back to the status', () => {
    const err = errorFromPayload({ error: { code: 'SOMETHING_NEW', message: 'New failure.' } }, 429);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.details).toEqual({ code: 'SOMETHING_NEW' });
    expect(errorFromPayload({ code: 'SOMETHING_NEW', message: 'x' }).code).toBe('INTERNAL');
  });

  it('gives a readable message when the body was not an error payload', () => {
    for (const body of [undefined, null, 'Bad Gateway', 42, []]) {
      const err = errorFromPayload(body, 502);
      expect(err.code).toBe('PROVIDER_UNAVAILABLE');
      expect(err.message.length).toBeGreaterThan(5);
    }
    expect(errorFromPayload({ error: { code: 'NETWORK', message: '   ' } }).message).toBe('Cannot reach the Switchboard host.');
  });

  it('maps statuses to codes', () => {
    expect(codeForStatus(401)).toBe('UNAUTHORIZED');
    expect(codeForStatus(423)).toBe('VAULT_LOCKED');
    expect(codeForStatus(500)).toBe('INTERNAL');
    expect(codeForStatus(599)).toBe('INTERNAL');
    expect(codeForStatus(418)).toBe('VALIDATION');
  });
});

describe('describeError', () => {
  it('uses the core message and its hint', () => {
    const view = describeError(new BridgeError('KEY_INVALID', 'Anthropic rejected the key.', { hint: 'Check the console.' }));
    expect(view).toEqual({ code: 'KEY_INVALID', title: 'The key was refused', message: 'Anthropic rejected the key.', hint: 'Check the console.' });
  });

  it('adds a default hint for connection problems', () => {
    expect(describeError(new BridgeError('NETWORK', 'Cannot reach the host.')).hint).toMatch(/still running/);
  });

  it('never shows the text or stack of an unexpected error', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const view = describeError(bug);
    expect(view.code).toBe('INTERNAL');
    expect(JSON.stringify(view)).not.toContain('undefined');
    expect(JSON.stringify(view)).not.toContain('at ');
  });
});

describe('error text for a field or a line', () => {
  it('drops the contract prefix and the field name the input already shows', () => {
    expect(fieldMessage('Invalid models.setPrice request: pricing.input: Too big', 'pricing.input')).toBe('Too big');
    expect(fieldMessage('params.maxTokens: GPT-4o mini writes at most 16384 tokens', 'params.maxTokens')).toBe('GPT-4o mini writes at most 16384 tokens');
  });

  it('starts what is left with a capital, as the sentence under the input it now is', () => {
    expect(fieldMessage('Invalid agents.save request: name: an agent needs a name', 'name')).toBe('An agent needs a name');
  });

  it('keeps the field name when the message is about another field, or none is given', () => {
    expect(fieldMessage('Invalid limits.set request: timeZone: unknown zone', 'dailyTokens')).toBe('timeZone: unknown zone');
    expect(fieldMessage('Invalid limits.set request: timeZone: unknown zone')).toBe('timeZone: unknown zone');
  });

  it('puts the hint after the message on one line', () => {
    expect(errorText(new BridgeError('KEY_INVALID', 'The key was refused.', { hint: 'Check it in the console.' }))).toBe('The key was refused. Check it in the console.');
    expect(errorText(new BridgeError('NOT_FOUND', 'No such key.'))).toMatch(/^No such key\./);
  });
});
