import { describe, expect, it } from 'vitest';
import type { KeyInfo, ProviderInfo } from '../../../shared/contract/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import {
  AZURE_DEFAULT_API_VERSION,
  baseUrlForRequest,
  baseUrlProblem,
  emptyOptionFields,
  keyOptions,
  keyShape,
  maskedKey,
  optionProblems,
  providerEntries,
  secretFormat,
  secretReady,
  secretToSend,
  shortName,
  statusView,
} from '../../../renderer/src/features/settings/keys/key-form.js';

describe('secretFormat (the as-you-type check)', () => {
  it('says nothing for an empty field', () => {
    expect(secretFormat('openai', '')).toEqual({ kind: 'empty' });
  });

  it('confirms a key of the right shape', () => {
    expect(secretFormat('openai', 'sk-test-abcdefghijklmnopqrstuvwx')).toEqual({ kind: 'ok', message: 'Looks like an OpenAI key.' });
    expect(secretFormat('anthropic', 'sk-ant-api03-abcdefghijklmnopqrstuv')).toEqual({ kind: 'ok', message: 'Looks like an Anthropic key.' });
    expect(secretFormat('gemini', 'AIza' + 'x'.repeat(35)).kind).toBe('ok');
  });

  it('names the expected shape, in a sentence that reads right', () => {
    const wrong = secretFormat('anthropic', 'nope-abcdefghijklmnopqrstuvwxyz');
    expect(wrong).toEqual({ kind: 'bad', message: 'That does not look like an Anthropic key: those start with sk-ant-.' });
    const mistral = secretFormat('mistral', 'abc');
    expect(mistral.kind === 'bad' && mistral.message).toBe('That does not look like a Mistral key: it has 3 characters, where Mistral keys have exactly 32.');
  });

  it('recognises another provider’s key and offers to switch to it', () => {
    expect(secretFormat('openai', 'sk-ant-api03-abcdefghijklmnopqrstuv')).toEqual({
      kind: 'bad',
      message: 'This looks like an Anthropic key (it starts with sk-ant-), not an OpenAI key.',
      otherProvider: 'anthropic',
    });
    expect(secretFormat('openai', 'sk-or-v1-abcdefghijklmnopqrstuv')).toMatchObject({ kind: 'bad', otherProvider: 'openrouter' });
  });

  it('trims pasted whitespace and line breaks instead of refusing them; a space inside is still refused', () => {
    expect(secretFormat('openai', ' sk-test-abcdefghijklmnopqrstuvwx\n')).toEqual({ kind: 'ok', message: 'Looks like an OpenAI key.' });
    expect(secretToSend(' sk-test-abcdefghijklmnopqrstuvwx\r\n')).toBe('sk-test-abcdefghijklmnopqrstuvwx');
    const inner = secretFormat('openai', 'sk-test-abcdefghij klmnopqrstuvwx');
    expect(inner.kind === 'bad' && inner.message).toMatch(/space in the middle/);
  });

  it('never echoes the secret in its message', () => {
    const secret = 'sk-proj-SECRETSECRETSECRETSECRET';
    for (const provider of ['openai', 'anthropic', 'gemini', 'azure', 'mistral'] as const) {
      const f = secretFormat(provider, secret);
      expect(JSON.stringify(f)).not.toContain('SECRET');
    }
  });

  it('lets keyless providers test and save without a key', () => {
    expect(secretReady('openai-compatible', secretFormat('openai-compatible', ''))).toBe(true);
    expect(secretReady('openai', secretFormat('openai', ''))).toBe(false);
    expect(secretReady('openai', secretFormat('openai', 'nope'))).toBe(false);
  });
});

describe('base URL handling', () => {
  const openai = providerSpec('openai');
  const azure = providerSpec('azure');
  const local = providerSpec('openai-compatible');

  it('needs an address only where there is no default', () => {
    expect(baseUrlProblem(openai, '')).toBeNull();
    expect(baseUrlProblem(azure, '')).toMatch(/endpoint/);
    expect(baseUrlProblem(local, '')).toMatch(/server’s address/);
  });

  it('refuses what is not an http(s) URL, and credentials in it', () => {
    expect(baseUrlProblem(openai, 'api.openai.com')).toMatch(/full address/);
    expect(baseUrlProblem(openai, 'ftp://example.com')).toMatch(/https:\/\//);
    expect(baseUrlProblem(openai, 'https://user:pw@proxy.example/v1')).toMatch(/passwords/);
    expect(baseUrlProblem(local, 'http://127.0.0.1:11434/v1')).toBeNull();
  });

  it('sends no override for the default (so the key follows default changes)', () => {
    expect(baseUrlForRequest(openai, 'https://api.openai.com/v1')).toBeUndefined();
    expect(baseUrlForRequest(openai, 'https://api.openai.com/v1/ ')).toBeUndefined();
    expect(baseUrlForRequest(openai, '')).toBeUndefined();
    expect(baseUrlForRequest(openai, ' http://127.0.0.1:9/openai/v1 ')).toBe('http://127.0.0.1:9/openai/v1');
  });
});

describe('provider fields', () => {
  it('prefills the Azure API version and requires a deployment', () => {
    const azure = providerSpec('azure');
    const fields = emptyOptionFields(azure);
    expect(fields.apiVersion).toBe(AZURE_DEFAULT_API_VERSION);
    expect(optionProblems(azure, fields)).toEqual({ deployment: 'Enter the deployment name.' });
    expect(keyOptions(azure, { ...fields, deployment: ' gpt4o ' })).toEqual({ deployment: 'gpt4o', apiVersion: AZURE_DEFAULT_API_VERSION });
  });

  it('sends only the fields the provider has', () => {
    const openai = providerSpec('openai');
    expect(keyOptions(openai, { deployment: 'x', apiVersion: 'y', organization: '' })).toBeUndefined();
    expect(keyOptions(openai, { deployment: 'x', apiVersion: 'y', organization: 'org-1' })).toEqual({ organization: 'org-1' });
    expect(optionProblems(openai, emptyOptionFields(openai))).toEqual({});
  });
});

describe('display helpers', () => {
  it('phrases registry hints after "It"/"Key"', () => {
    expect(keyShape({ keyHint: 'starts with sk-' })).toBe('starts with sk-');
    expect(keyShape({ keyHint: '32 letters and digits' })).toBe('has 32 letters and digits');
    expect(keyShape({ keyHint: 'optional; local servers usually need none' })).toBe('is optional; local servers usually need none');
    expect(shortName(providerSpec('openai-compatible'))).toBe('OpenAI-compatible');
    expect(shortName(providerSpec('openai'))).toBe('OpenAI');
  });

  it('masks keys by their last four characters only', () => {
    expect(maskedKey({ last4: 'wxyz' })).toBe('…wxyz');
    expect(maskedKey({ last4: '' })).toBe('…');
  });

  it('has a label and tone for every status', () => {
    for (const s of ['ok', 'untested', 'invalid', 'error', 'cooldown', 'needs-reentry', 'locked'] as const) {
      expect(statusView(s).label.length).toBeGreaterThan(0);
    }
  });
});

describe('providerEntries', () => {
  const key = (id: string, provider: KeyInfo['provider'], source: KeyInfo['source'] = 'user'): KeyInfo => ({
    id,
    provider,
    label: id,
    last4: 'abcd',
    status: 'ok',
    source,
    readOnly: source !== 'user',
  });

  it('lists every provider in registry order, even without providers.list', () => {
    const entries = providerEntries(undefined, undefined);
    expect(entries.map((e) => e.spec.id)[0]).toBe('openai');
    expect(entries).toHaveLength(11);
    expect(entries.every((e) => !e.configured)).toBe(true);
  });

  it('groups keys and marks providers with keys or an environment key as configured', () => {
    const info = { id: 'gemini', configured: false, hasEnvironmentKey: true } as ProviderInfo;
    const entries = providerEntries([info], [key('a', 'openai'), key('b', 'openai'), key('c', 'anthropic', 'environment')]);
    const byId = Object.fromEntries(entries.map((e) => [e.spec.id, e]));
    expect(byId.openai?.keys.map((k) => k.id)).toEqual(['a', 'b']);
    expect(byId.openai?.configured).toBe(true);
    expect(byId.anthropic?.configured).toBe(true);
    expect(byId.gemini?.configured).toBe(true);
    expect(byId.groq?.configured).toBe(false);
  });
});
