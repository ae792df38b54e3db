import { isTeamKeyId, teamKeyId, type KeyInfo, type ModelInfo, type Pricing, type ProviderId, type TeamModelRef } from '../../../../shared/contract/index.js';
import { PROVIDER_LIST, providerSpec, type ProviderSpec } from '../../../../shared/providers/registry.js';
import type { ConversationTarget } from '../../db/schema.js';
import { keyTarget } from '../conversations/targets.js';

/** A provider the user can call: its usable keys and the catalog's models for it. */
export interface ProviderGroup {
  provider: ProviderId;
  name: string;
  /** The user's own keys first (oldest first, as keys.list gives them), then the environment key. */
  keys: KeyInfo[];
  /** Recommended first, otherwise in catalog order. */
  models: ModelInfo[];
}

export interface PickerGroups {
  configured: ProviderGroup[];
  /** Providers without any key: shown with a way to set them up. */
  unconfigured: ProviderSpec[];
}

/** Keys a conversation can use. A key that needs re-entry or sits in a locked vault cannot answer. */
export function usableKey(key: KeyInfo): boolean {
  return key.status !== 'needs-reentry' && key.status !== 'locked';
}

/** Groups the user's keys and the catalog by provider, in the registry's order. */
export function buildProviderGroups(keys: readonly KeyInfo[], models: readonly ModelInfo[]): PickerGroups {
  const configured: ProviderGroup[] = [];
  const unconfigured: ProviderSpec[] = [];
  for (const spec of PROVIDER_LIST) {
    const mine = keys.filter((k) => k.provider === spec.id && usableKey(k));
    if (mine.length === 0) {
      unconfigured.push(spec);
      continue;
    }
    const ordered = [...mine.filter((k) => k.source !== 'environment'), ...mine.filter((k) => k.source === 'environment')];
    configured.push({ provider: spec.id, name: spec.name, keys: ordered, models: sortModels(models.filter((m) => m.provider === spec.id)) });
  }
  return { configured, unconfigured };
}

/** Recommended models first; the catalog's order otherwise (it is curated). */
export function sortModels(models: readonly ModelInfo[]): ModelInfo[] {
  return models
    .map((m, i) => ({ m, i }))
    .sort((a, b) => Number(b.m.recommended) - Number(a.m.recommended) || a.i - b.i)
    .map((x) => x.m);
}

/** Every word of the query must appear in the model's name or id (case-insensitive). */
export function matchesSearch(model: Pick<ModelInfo, 'id' | 'name'>, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${model.name} ${model.id}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** "Work …abcd", or "OpenAI (environment)" for an environment key. */
export function keyOptionLabel(key: Pick<KeyInfo, 'label' | 'last4' | 'source' | 'envVar'>): string {
  if (key.source === 'environment') return key.envVar ? `${key.label}, ${key.envVar}` : key.label;
  const label = key.label.trim() || 'Key';
  return key.last4 ? `${label} …${key.last4}` : label;
}

/** A price per million tokens as providers write it: $5, $0.15, $0.60, $0.0375 (never rounded away). */
function usd(n: number): string {
  if (Number.isInteger(n)) return `$${n}`;
  const [int, frac = ''] = n.toFixed(6).split('.');
  const f = frac.replace(/0+$/, '').padEnd(2, '0');
  return `$${int}.${f}`;
}

/** Prices per million tokens, input and output: "$0.15 in · $0.60 out per 1M", or "price unknown". */
export function formatPricing(pricing: Pricing | null | undefined): string {
  if (!pricing || (pricing.input === null && pricing.output === null)) return 'price unknown';
  const part = (v: number | null) => (v === null ? '?' : usd(v));
  return `${part(pricing.input)} in · ${part(pricing.output)} out per 1M tokens`;
}

/** "128K context", "1M context". */
export function formatContext(tokens: number | null | undefined): string {
  if (!tokens) return 'context size unknown';
  return `${compactTokens(tokens)} context`;
}

/** 1047576 → "1M", 128000 → "128K", 1500 → "1.5K" (decimal, like providers write them). */
export function compactTokens(n: number): string {
  if (n >= 1_000_000) return `${trim1(n / 1_000_000)}M`;
  if (n >= 1_000) return `${trim1(n / 1_000)}K`;
  return String(n);
}

function trim1(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(Number(x.toFixed(1)));
}

/** The picker's choice as a value: the system default, a team model, a catalog model, or a model id typed in. */
export type PickerChoice =
  | { kind: 'system' }
  | { kind: 'team'; provider: ProviderId; model: string }
  | { kind: 'model'; provider: ProviderId; model: string }
  | { kind: 'custom'; provider: ProviderId };

export function choiceValue(choice: PickerChoice): string {
  if (choice.kind === 'system') return 'system';
  if (choice.kind === 'team') return `team:${choice.provider}:${choice.model}`;
  if (choice.kind === 'custom') return `custom:${choice.provider}`;
  return `model:${choice.provider}:${choice.model}`;
}

/**
 * The conversation target a picker state stands for, or a sentence saying what is missing.
 * `keyIds` holds the key chosen per provider (the first key when none was chosen).
 */
export function targetFromChoice(
  choice: PickerChoice,
  groups: readonly ProviderGroup[],
  keyIds: Partial<Record<ProviderId, string>>,
  customIds: Partial<Record<ProviderId, string>>,
): { target: ConversationTarget } | { problem: string } {
  if (choice.kind === 'system') return { target: { kind: 'system' } };
  if (choice.kind === 'team') return { target: teamTarget(choice) };
  const group = groups.find((g) => g.provider === choice.provider);
  const spec = providerSpec(choice.provider);
  if (!group) return { problem: `${spec.name} is not set up: add a key in Settings → Providers & Keys.` };
  const key = group.keys.find((k) => k.id === keyIds[choice.provider]) ?? group.keys[0];
  if (!key) return { problem: `${spec.name} has no usable key.` };
  if (choice.kind === 'custom') {
    const id = (customIds[choice.provider] ?? '').trim();
    if (id === '') return { problem: `Type the ${spec.name} model id to use.` };
    if (id.length > 300) return { problem: 'That model id is too long (300 characters at most).' };
    const known = group.models.find((m) => m.id === id) ?? null;
    return { target: keyTarget(key, id, known) };
  }
  const info = group.models.find((m) => m.id === choice.model) ?? null;
  return { target: keyTarget(key, choice.model, info) };
}

/** The picker state that shows an existing target (changing a conversation's model). */
export function choiceFromTarget(target: ConversationTarget, groups: readonly ProviderGroup[]): { choice: PickerChoice; keyId?: string; customId?: string } {
  // "The agent's choice" is offered by the agent picker, not the model picker: the picker starts at the system default.
  if (target.kind !== 'key') return { choice: { kind: 'system' } };
  if (isTeamKeyId(target.keyId)) return { choice: { kind: 'team', provider: target.provider, model: target.model } };
  const group = groups.find((g) => g.provider === target.provider);
  const inCatalog = group?.models.some((m) => m.id === target.model) ?? false;
  return inCatalog
    ? { choice: { kind: 'model', provider: target.provider, model: target.model }, keyId: target.keyId }
    : { choice: { kind: 'custom', provider: target.provider }, keyId: target.keyId, customId: target.model };
}

/**
 * The stored snapshot for one of the team's allowed models: its key id (team:<provider>) routes the
 * call through the team server, with the member token the core keeps.
 */
export function teamTarget(ref: TeamModelRef): ConversationTarget {
  return { kind: 'key', keyId: teamKeyId(ref.provider), provider: ref.provider, model: ref.model, providerName: providerSpec(ref.provider).name, keyLabel: 'Team' };
}
