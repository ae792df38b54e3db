import type { ConversationTarget } from '../../db/schema.js';
import { keyTarget } from '../conversations/targets.js';
import type { ProviderGroup } from './model-options.js';

/** The fallback select's value for a stored target: "" (none), "system", or "<keyId>\u0000<model>". */
export function fallbackValue(target: ConversationTarget | undefined): string {
  if (!target) return '';
  if (target.kind === 'agent') return '';
  return target.kind === 'system' ? 'system' : `${target.keyId}\u0000${target.model}`;
}

/** The stored target a fallback option stands for (null for none, or an option that no longer exists). */
export function fallbackTarget(value: string, groups: readonly ProviderGroup[]): ConversationTarget | null {
  if (value === '') return null;
  if (value === 'system') return { kind: 'system' };
  const [keyId, model] = value.split('\u0000');
  for (const g of groups) {
    const key = g.keys.find((k) => k.id === keyId);
    if (key && model) return keyTarget(key, model, g.models.find((m) => m.id === model));
  }
  return null;
}
