import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../../shared/contract/index.js';
import { checkKeyFormat, classifyKey, normalizePastedKey, recognizeKey } from '../../../shared/providers/key-format.js';

const X = (n: number, c = 'a') => c.repeat(n);

describe('normalizePastedKey: what was pasted, as meant', () => {
  it.each([
    ['  sk-proj-abc  ', 'sk-proj-abc'],
    ['sk-proj-abc\n', 'sk-proj-abc'],
    ['\r\n\tsk-proj-abc\r\n', 'sk-proj-abc'],
    ['sk-proj-ab\n  cd', 'sk-proj-abcd'],
    ['\ufeffsk-proj-abc\u200b', 'sk-proj-abc'],
    ['sk-proj ab', 'sk-proj ab'],
    ['', ''],
  ])('%j → %j', (raw, want) => {
    expect(normalizePastedKey(raw)).toBe(want);
  });
});

describe('recognizeKey: whose key a prefix says it is', () => {
  it.each([
    [`sk-ant-api03-${X(40)}`, 'anthropic'],
    [`sk-or-v1-${X(64, 'f')}`, 'openrouter'],
    [`sk-proj-${X(40)}`, 'openai'],
    [`sk-svcacct-${X(40)}`, 'openai'],
    [`AIza${X(35)}`, 'gemini'],
    [`gsk_${X(40)}`, 'groq'],
    [`xai-${X(40)}`, 'xai'],
    [`tgp_v1_${X(40)}`, 'together'],
    [`sk-${X(32, '0')}`, null],
    [X(32), null],
  ])('%s → %s', (key, provider) => {
    expect(recognizeKey(key)?.provider ?? null).toBe(provider);
  });
});

type Row = [ProviderId, string, string, RegExp | null];

describe('checkKeyFormat: one sentence per problem, for the form the key was pasted into', () => {
  const rows: Row[] = [
    // Right keys, whitespace and line breaks around them included.
    ['openai', `sk-proj-${X(40)}`, 'project key', null],
    ['openai', `sk-${X(48)}`, 'legacy key', null],
    ['openai', ` sk-proj-${X(40)}\n`, 'pasted with whitespace', null],
    ['anthropic', `sk-ant-api03-${X(40)}`, 'Anthropic key', null],
    ['deepseek', `sk-${X(32, '0')}`, 'DeepSeek key', null],
    ['openrouter', `sk-or-v1-${X(64, 'f')}`, 'OpenRouter key', null],
    ['gemini', `AIza${X(35)}`, 'Gemini key', null],
    ['mistral', X(32), 'Mistral key', null],
    ['together', X(64, 'f'), 'older Together key', null],
    ['openai-compatible', 'any.token_value:123', 'a local server takes anything', null],
    // Another provider's key in this form.
    ['openai', `sk-ant-api03-${X(40)}`, 'Anthropic key in the OpenAI form', /^This looks like an Anthropic key \(it starts with sk-ant-\), not an OpenAI key\.$/],
    ['openai', `sk-or-v1-${X(64, 'f')}`, 'OpenRouter key in the OpenAI form', /^This looks like an OpenRouter key .*not an OpenAI key/],
    ['deepseek', `sk-proj-${X(40)}`, 'OpenAI key in the DeepSeek form', /looks like an OpenAI key/],
    ['anthropic', `gsk_${X(40)}`, 'Groq key in the Anthropic form', /looks like a Groq key/],
    ['azure', `AIza${X(35)}`, 'Gemini key in the Azure form', /looks like a Google Gemini key/],
    // The right beginning, the wrong rest: says what is wrong, never "it starts with sk-".
    ['deepseek', `sk-test-${X(30)}`, 'DeepSeek key with a dash after sk-', /^It starts with sk- as DeepSeek keys do, but after that a DeepSeek key has only letters and digits; this one also has - or _\.$/],
    ['openai', 'sk-short', 'too short', /it has 5 characters after sk-, where OpenAI keys have at least 20/],
    ['gemini', `AIza${X(30)}`, 'Gemini key too short', /it has 30 characters after AIza, where Google Gemini keys have exactly 35/],
    ['mistral', 'abc', 'Mistral key too short', /it has 3 characters, where Mistral keys have exactly 32/],
    ['openai', `sk-proj-${X(20)}!`, 'odd character', /only letters, digits, - and _; this one also has other characters/],
    // The wrong beginning.
    ['anthropic', `nope-${X(30)}`, 'no known beginning', /^That does not look like an Anthropic key: those start with sk-ant-\.$/],
    ['together', `tgp_${X(30)}`, 'two shapes', /^That does not look like a Together AI key: those start with tgp_v1_, or are 40 or more letters and digits\.$/],
    // Two things pasted.
    ['openai', `Bearer sk-proj-${X(40)}`, 'space inside', /space in the middle/],
    ['openai', '', 'empty', /OpenAI needs a key/],
    ['openai-compatible', '', 'empty, not needed', null],
  ];
  it.each(rows)('%s %j (%s)', (provider, key, _why, want) => {
    const message = checkKeyFormat(provider, key);
    if (want === null) expect(message).toBeNull();
    else expect(message).toMatch(want);
    // Never an echo of the key beyond a known prefix.
    if (message && key.length > 12) expect(message).not.toContain(key.trim().slice(-8));
  });

  it('classifies for the form, so it can offer to switch provider', () => {
    expect(classifyKey('openai', `sk-ant-api03-${X(40)}`)).toEqual({ kind: 'other-provider', provider: 'anthropic', prefix: 'sk-ant-' });
    expect(classifyKey('openai', `sk-proj-${X(40)}`)).toEqual({ kind: 'ok' });
  });
});
