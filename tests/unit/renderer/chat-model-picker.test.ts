import { describe, expect, it } from 'vitest';
import type { KeyInfo, ModelInfo } from '../../../shared/contract/index.js';
import type { ConversationTarget } from '../../../renderer/src/db/schema.js';
import { maxTokensDefaultText, paramField, paramLimits, parseParams } from '../../../renderer/src/features/conversations/params.js';
import { keyTarget, sameTarget, targetParts, targetShortLabel, toChatTarget } from '../../../renderer/src/features/conversations/targets.js';
import { fallbackTarget, fallbackValue } from '../../../renderer/src/features/models/fallbacks.js';
import {
  buildProviderGroups,
  choiceFromTarget,
  compactTokens,
  formatContext,
  formatPricing,
  keyOptionLabel,
  matchesSearch,
  targetFromChoice,
} from '../../../renderer/src/features/models/model-options.js';

function key(id: string, provider: KeyInfo['provider'], over: Partial<KeyInfo> = {}): KeyInfo {
  return { id, provider, label: id, last4: 'abcd', status: 'ok', source: 'user', readOnly: false, ...over };
}

function model(provider: ModelInfo['provider'], id: string, over: Partial<ModelInfo> = {}): ModelInfo {
  return {
    provider,
    id,
    name: id.toUpperCase(),
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: null },
    capabilities: [],
    eu: false,
    recommended: false,
    priceSource: 'catalog',
    pricesCheckedAt: '2026-01-01',
    ...over,
  };
}

const keys = [
  key('env:openai', 'openai', { source: 'environment', label: 'OpenAI (environment)', envVar: 'OPENAI_API_KEY', readOnly: true }),
  key('k-work', 'openai', { label: 'Work', last4: 'wxyz' }),
  key('k-home', 'openai', { label: 'Home' }),
  key('k-locked', 'anthropic', { status: 'locked' }),
  key('k-gem', 'gemini', { label: 'G' }),
];
const models = [
  model('openai', 'gpt-4o'),
  model('openai', 'gpt-4o-mini', { name: 'GPT-4o mini' }),
  model('openai', 'gpt-5', { recommended: true }),
  model('anthropic', 'claude-haiku-4-5'),
  model('gemini', 'gemini-2.5-flash', { pricing: null, contextWindow: null }),
];

describe('picker groups', () => {
  it('lists providers with usable keys in registry order, own keys before the environment key, recommended models first', () => {
    const g = buildProviderGroups(keys, models);
    expect(g.configured.map((x) => x.provider)).toEqual(['openai', 'gemini']);
    const openai = g.configured[0]!;
    expect(openai.keys.map((k) => k.id)).toEqual(['k-work', 'k-home', 'env:openai']);
    expect(openai.models.map((m) => m.id)).toEqual(['gpt-5', 'gpt-4o', 'gpt-4o-mini']);
    // A key in a locked vault cannot answer: Anthropic counts as not set up.
    expect(g.unconfigured.map((s) => s.id)).toContain('anthropic');
    expect(g.unconfigured.map((s) => s.id)).not.toContain('openai');
  });

  it('searches by every word in name or id', () => {
    const m = model('openai', 'gpt-4o-mini', { name: 'GPT-4o mini' });
    expect(matchesSearch(m, '4o MINI')).toBe(true);
    expect(matchesSearch(m, 'mini 4o')).toBe(true);
    expect(matchesSearch(m, 'nano')).toBe(false);
    expect(matchesSearch(m, '  ')).toBe(true);
  });

  it('labels keys and formats prices and context sizes', () => {
    expect(keyOptionLabel(keys[1]!)).toBe('Work …wxyz');
    expect(keyOptionLabel(keys[0]!)).toBe('OpenAI (environment), OPENAI_API_KEY');
    expect(formatPricing({ input: 0.15, output: 0.6, cacheRead: null, cacheWrite: null })).toBe('$0.15 in · $0.60 out per 1M tokens');
    expect(formatPricing({ input: 5, output: 30, cacheRead: null, cacheWrite: null })).toBe('$5 in · $30 out per 1M tokens');
    expect(formatPricing({ input: 0.0375, output: null, cacheRead: null, cacheWrite: null })).toBe('$0.0375 in · ? out per 1M tokens');
    expect(formatPricing(null)).toBe('price unknown');
    expect(formatContext(128_000)).toBe('128K context');
    expect(formatContext(1_047_576)).toBe('1M context');
    expect(formatContext(null)).toBe('context size unknown');
    expect(compactTokens(16_384)).toBe('16.4K');
    expect(compactTokens(200_000)).toBe('200K');
    expect(compactTokens(512)).toBe('512');
  });
});

describe('target snapshot ↔ chat target', () => {
  const groups = buildProviderGroups(keys, models).configured;

  it('a catalog model uses the chosen key (the first by default) and keeps display labels', () => {
    const first = targetFromChoice({ kind: 'model', provider: 'openai', model: 'gpt-4o-mini' }, groups, {}, {});
    expect(first).toEqual({
      target: { kind: 'key', keyId: 'k-work', provider: 'openai', model: 'gpt-4o-mini', providerName: 'OpenAI', keyLabel: 'Work', modelName: 'GPT-4o mini' },
    });
    const chosen = targetFromChoice({ kind: 'model', provider: 'openai', model: 'gpt-4o-mini' }, groups, { openai: 'k-home' }, {});
    expect('target' in chosen && chosen.target.kind === 'key' && chosen.target.keyId).toBe('k-home');
    // A stale key choice falls back to the first key rather than a missing one.
    const stale = targetFromChoice({ kind: 'model', provider: 'openai', model: 'gpt-4o' }, groups, { openai: 'gone' }, {});
    expect('target' in stale && stale.target.kind === 'key' && stale.target.keyId).toBe('k-work');
  });

  it('a typed model id needs text, and an unconfigured provider says where to set it up', () => {
    expect(targetFromChoice({ kind: 'custom', provider: 'openai' }, groups, {}, { openai: '  ' })).toEqual({ problem: 'Type the OpenAI model id to use.' });
    const custom = targetFromChoice({ kind: 'custom', provider: 'openai' }, groups, {}, { openai: ' ft:gpt-4o:acme ' });
    expect(custom).toMatchObject({ target: { kind: 'key', model: 'ft:gpt-4o:acme', keyId: 'k-work' } });
    expect('target' in custom && custom.target.kind === 'key' && custom.target.modelName).toBeUndefined();
    const missing = targetFromChoice({ kind: 'model', provider: 'anthropic', model: 'claude-haiku-4-5' }, groups, {}, {});
    expect(missing).toEqual({ problem: 'Anthropic is not set up: add a key in Settings → Providers & Keys.' });
    expect(targetFromChoice({ kind: 'system' }, groups, {}, {})).toEqual({ target: { kind: 'system' } });
  });

  it('round-trips a stored target through the picker and into chat.send', () => {
    const stored: ConversationTarget = keyTarget(keys[2]!, 'gpt-4o-mini', models[1]);
    const start = choiceFromTarget(stored, groups);
    expect(start).toEqual({ choice: { kind: 'model', provider: 'openai', model: 'gpt-4o-mini' }, keyId: 'k-home' });
    const back = targetFromChoice(start.choice, groups, { openai: start.keyId! }, {});
    expect('target' in back && sameTarget(back.target, stored)).toBe(true);
    expect(toChatTarget(stored)).toEqual({ keyId: 'k-home', model: 'gpt-4o-mini' });
    expect(toChatTarget({ kind: 'system' })).toEqual({ system: true });

    const typed: ConversationTarget = keyTarget(keys[1]!, 'my-finetune');
    expect(choiceFromTarget(typed, groups)).toEqual({ choice: { kind: 'custom', provider: 'openai' }, keyId: 'k-work', customId: 'my-finetune' });
    expect(choiceFromTarget({ kind: 'system' }, groups)).toEqual({ choice: { kind: 'system' } });
  });

  it('shows model, provider and key from the snapshot', () => {
    const t = keyTarget(keys[1]!, 'gpt-4o-mini', models[1]);
    expect(targetParts(t)).toEqual({ model: 'GPT-4o mini', provider: 'OpenAI', key: 'Work' });
    expect(targetShortLabel(t)).toBe('GPT-4o mini · OpenAI');
    expect(targetShortLabel({ kind: 'system' })).toBe('System default');
    expect(sameTarget({ kind: 'system' }, t)).toBe(false);
  });

  it('encodes fallbacks for the select and back', () => {
    const configured = buildProviderGroups(keys, models).configured;
    const t = keyTarget(keys[4]!, 'gemini-2.5-flash', models[4]);
    expect(fallbackTarget(fallbackValue(t), configured)).toEqual(t);
    expect(fallbackTarget('system', configured)).toEqual({ kind: 'system' });
    expect(fallbackTarget('', configured)).toBeNull();
    expect(fallbackTarget('gone\u0000x', configured)).toBeNull();
  });
});

describe('model settings', () => {
  it('knows each provider’s temperature range and the model’s output limit', () => {
    expect(paramLimits('anthropic', null)).toEqual({ maxTemperature: 1, maxOutputTokens: null, contextWindow: null });
    expect(paramLimits('openai', models[1])).toEqual({ maxTemperature: 2, maxOutputTokens: 16_384, contextWindow: 128_000 });
    expect(paramLimits(null, undefined).maxTemperature).toBe(2);
  });

  it('parses what was typed, with a clear sentence per bad field', () => {
    const limits = paramLimits('openai', models[1]);
    expect(parseParams({ temperature: '', maxTokens: '' }, limits)).toEqual({ params: {} });
    expect(parseParams({ temperature: '0,7', maxTokens: '2,000' }, limits)).toEqual({ params: { temperature: 0.7, maxTokens: 2000 } });
    expect(parseParams({ temperature: '3', maxTokens: '100000' }, limits)).toEqual({
      errors: { temperature: 'Temperature goes from 0 to 2 for this model.', maxTokens: 'This model writes at most 16,384 tokens per answer.' },
    });
    expect(parseParams({ temperature: 'hot', maxTokens: '1.5' }, limits)).toMatchObject({ errors: { temperature: expect.stringMatching(/number/), maxTokens: expect.stringMatching(/whole number/) } });
    expect(parseParams({ temperature: '-1', maxTokens: '0' }, limits)).toMatchObject({ errors: { temperature: expect.any(String), maxTokens: 'At least 1 token.' } });
    expect(parseParams({ temperature: '1.5', maxTokens: '' }, paramLimits('anthropic', null))).toMatchObject({ errors: { temperature: 'Temperature goes from 0 to 1 for this model.' } });
  });

  it('says what an empty max-tokens field sends (the core’s number) and why', () => {
    expect(maxTokensDefaultText(8192, 16_384)).toEqual({
      placeholder: '8,192 (default)',
      help: 'Empty sends 8,192, Switchboard’s default for this model, so limits reserve a realistic worst case. The model allows up to 16,384.',
    });
    expect(maxTokensDefaultText(2048, 2048).help).toBe('Empty sends 2,048, this model’s maximum.');
    expect(maxTokensDefaultText(4096, null).help).toMatch(/^Empty sends 4,096, .*not known/);
    // Until the core answers, nothing claims a number it has not said.
    expect(maxTokensDefaultText(null, 16_384)).toEqual({ placeholder: 'Default', help: 'Up to 16,384 for this model.' });
  });

  it('maps the core’s validation field to the popover field', () => {
    expect(paramField('params.temperature')).toBe('temperature');
    expect(paramField('params.maxTokens')).toBe('maxTokens');
    expect(paramField('messages')).toBeNull();
  });
});
