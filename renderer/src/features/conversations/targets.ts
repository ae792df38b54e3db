import type { ChatTarget } from '../../../../shared/contract/index.js';
import type { ConversationTarget } from '../../db/schema.js';

export const SYSTEM_TARGET: ConversationTarget = { kind: 'system' };

/** What chat.send needs for a stored target. */
export function toChatTarget(target: ConversationTarget): ChatTarget {
  return target.kind === 'system' ? { system: true } : { keyId: target.keyId, model: target.model };
}

/** The label shown in headers and lists, e.g. "OpenAI · gpt-4o-mini (Work)". */
export function targetLabel(target: ConversationTarget): string {
  if (target.kind === 'system') return target.label ?? 'System default';
  const model = target.modelName ?? target.model;
  return target.keyLabel ? `${target.providerName} · ${model} (${target.keyLabel})` : `${target.providerName} · ${model}`;
}
