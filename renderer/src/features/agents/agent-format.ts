import type { Agent, ChatTarget, KeyInfo, PowerLevel, PowerLevelOption } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import type { ConversationTarget } from '../../db/schema.js';
import { keyTarget } from '../conversations/targets.js';

export const LEVEL_LABEL: Record<PowerLevel, string> = { eco: 'Eco', balanced: 'Balanced', precision: 'Precision' };
export const LEVEL_HELP: Record<PowerLevel, string> = {
  eco: 'The cheapest capable model',
  balanced: 'A middle model: good answers at a fair price',
  precision: 'The strongest model',
};

/** "OpenAI · gpt-4.1" for a named model; the key's label when it has one. */
export function describeChatTarget(t: ChatTarget, keys: readonly Pick<KeyInfo, 'id' | 'provider' | 'label'>[]): string {
  if ('system' in t) return 'System default';
  if ('provider' in t) return `${providerSpec(t.provider).name} · ${t.model}`;
  const key = keys.find((k) => k.id === t.keyId);
  return key ? `${providerSpec(key.provider).name} · ${t.model} (${key.label})` : `${t.model} (a deleted key)`;
}

/** What model an agent uses, in words: its named model, or its level and what that picks right now. */
export function describeAgentModel(agent: Pick<Agent, 'target' | 'powerLevel'>, keys: readonly Pick<KeyInfo, 'id' | 'provider' | 'label'>[], levels: readonly PowerLevelOption[] | undefined): string {
  if (agent.target) return describeChatTarget(agent.target, keys);
  const level = agent.powerLevel ?? 'balanced';
  const pick = levels?.find((l) => l.level === level)?.choice;
  return pick ? `${LEVEL_LABEL[level]} level · ${pick.name} (${providerSpec(pick.provider).name})` : `${LEVEL_LABEL[level]} level`;
}

/** The conversation's stored target for an agent's named model, or "the agent's choice" for a level. */
export function conversationTargetFor(agent: Pick<Agent, 'target' | 'powerLevel'>, keys: readonly Pick<KeyInfo, 'id' | 'provider' | 'label'>[], label: string): ConversationTarget {
  const t = agent.target;
  if (t && 'keyId' in t) {
    const key = keys.find((k) => k.id === t.keyId);
    if (key) return keyTarget(key, t.model);
  }
  return { kind: 'agent', label };
}
