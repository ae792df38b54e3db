import type { ChatTarget, KeyInfo, ModelInfo } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import type { ConversationTarget } from '../../db/schema.js';

export const SYSTEM_TARGET: ConversationTarget = { kind: 'system' };

/** What chat.send needs for a stored target; null for "the agent's choice" (the core resolves it from the agent). */
export function toChatTarget(target: ConversationTarget): ChatTarget | null {
  if (target.kind === 'agent') return null;
  return target.kind === 'system' ? { system: true } : { keyId: target.keyId, model: target.model };
}

/** The agent's own choice of model (its named model or its power level). */
export function agentTarget(label: string): ConversationTarget {
  return { kind: 'agent', label };
}

/** The stored snapshot for a model used through one of the user's keys: labels are kept so history reads right after the key or model is gone. */
export function keyTarget(key: Pick<KeyInfo, 'id' | 'provider' | 'label'>, model: string, info?: Pick<ModelInfo, 'name'> | null): ConversationTarget {
  const name = info?.name?.trim();
  return {
    kind: 'key',
    keyId: key.id,
    provider: key.provider,
    model,
    providerName: providerSpec(key.provider).name,
    keyLabel: key.label,
    ...(name && name !== model ? { modelName: name } : {}),
  };
}

export function sameTarget(a: ConversationTarget, b: ConversationTarget): boolean {
  if (a.kind !== 'key' || b.kind !== 'key') return a.kind === b.kind;
  return a.keyId === b.keyId && a.model === b.model;
}

/** The label shown in headers and lists, e.g. "OpenAI · gpt-4o-mini (Work)". */
export function targetLabel(target: ConversationTarget): string {
  if (target.kind === 'system') return target.label ?? 'System default';
  if (target.kind === 'agent') return target.label ?? 'The agent’s choice';
  const model = target.modelName ?? target.model;
  return target.keyLabel ? `${target.providerName} · ${model} (${target.keyLabel})` : `${target.providerName} · ${model}`;
}

/** The pieces of a target for compact display: model first, then provider and key. */
export function targetParts(target: ConversationTarget): { model: string; provider: string | null; key: string | null } {
  if (target.kind === 'system') return { model: target.label ?? 'System default', provider: null, key: null };
  if (target.kind === 'agent') return { model: target.label ?? 'The agent’s choice', provider: null, key: null };
  return { model: target.modelName ?? target.model, provider: target.providerName, key: target.keyLabel || null };
}

/** "GPT-4o mini · OpenAI": for the conversation list, where space is short. */
export function targetShortLabel(target: ConversationTarget): string {
  const p = targetParts(target);
  return p.provider ? `${p.model} · ${p.provider}` : p.model;
}
