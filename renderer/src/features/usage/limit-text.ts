import type { KeyInfo, LimitState, ProviderId } from '../../../../shared/contract/index.js';
import { PROVIDERS } from '../../../../shared/providers/registry.js';
import { formatWhen } from '../../ui/datetime.js';
import { formatCostExact, formatTokens } from './money.js';

export function providerName(id: string | null | undefined): string {
  if (!id) return 'Unknown provider';
  return id in PROVIDERS ? PROVIDERS[id as ProviderId].name : id;
}

/** Key id → what the user calls it ("Work …a1b2"); ids the list does not know show as they are. */
export type KeyNames = ReadonlyMap<string, string>;

export function keyNames(keys: readonly Pick<KeyInfo, 'id' | 'label' | 'last4'>[] | undefined): KeyNames {
  return new Map((keys ?? []).map((k) => [k.id, k.last4 ? `${k.label} …${k.last4}` : k.label]));
}

/** "Daily tokens · OpenAI", "Monthly spend · all providers", "This conversation's budget". */
export function limitTitle(state: Pick<LimitState, 'scope' | 'subject'>, keyNames?: KeyNames): string {
  switch (state.scope) {
    case 'dailyTokens.provider':
      return `Daily tokens · ${providerName(state.subject)}`;
    case 'dailyTokens.key':
      return `Daily tokens · key ${state.subject ? (keyNames?.get(state.subject) ?? state.subject) : ''}`.trim();
    case 'monthlyUsd.total':
      return 'Monthly spend · all providers';
    case 'monthlyUsd.provider':
      return `Monthly spend · ${providerName(state.subject)}`;
    case 'sessionUsd':
      return 'Conversation budget';
    case 'team.dailyTokens':
      return 'Team · daily tokens';
    case 'team.monthlyUsd':
      return 'Team · monthly spend';
  }
}

/** The limit as the subject of a sentence, for banners and toasts: "OpenAI’s daily token limit". */
export function limitSentenceName(state: Pick<LimitState, 'scope' | 'subject'>, keyNames?: KeyNames): string {
  switch (state.scope) {
    case 'dailyTokens.provider':
      return `${providerName(state.subject)}’s daily token limit`;
    case 'dailyTokens.key':
      return `The daily token limit for key ${state.subject ? (keyNames?.get(state.subject) ?? state.subject) : ''}`.trim();
    case 'monthlyUsd.total':
      return 'The monthly spending cap';
    case 'monthlyUsd.provider':
      return `${providerName(state.subject)}’s monthly spending cap`;
    case 'sessionUsd':
      return 'This conversation’s budget';
    case 'team.dailyTokens':
      return 'Your daily token budget on the team server';
    case 'team.monthlyUsd':
      return 'Your monthly budget on the team server';
  }
}

/** The banner's headline: "OpenAI’s daily token limit is reached". */
export function limitReachedTitle(state: Pick<LimitState, 'scope' | 'subject'>, keyNames?: KeyNames): string {
  return state.scope === 'sessionUsd' ? 'This conversation’s budget is used up' : `${limitSentenceName(state, keyNames)} is reached`;
}

export function formatLimitAmount(value: number, unit: LimitState['unit'], locale?: string): string {
  return unit === 'usd' ? formatCostExact(value, locale) : `${formatTokens(Math.round(value), locale)} tokens`;
}

/** "1,526 of 2,000 tokens" / "$0.000345 of $5.00". */
export function usedOfLimit(state: Pick<LimitState, 'used' | 'limit' | 'unit'>, locale?: string): string {
  if (state.unit === 'usd') return `${formatCostExact(state.used, locale)} of ${formatCostExact(state.limit, locale)}`;
  return `${formatTokens(Math.round(state.used), locale)} of ${formatTokens(state.limit, locale)} tokens`;
}

/** "Resets Nov 24, 12:00 AM" in the limits' time zone; per-conversation budgets never reset. */
export function resetText(resetsAt: number | null, timeZone: string, locale?: string): string {
  if (resetsAt === null) return 'Does not reset';
  return `Resets ${formatWhen(resetsAt, timeZone, { locale })}`;
}

/**
 * 0..100 for a meter, from what is used (reservations included). Not `fraction`: in a refusal that
 * also counts the refused call's worst case, which was never spent.
 */
export function percent(state: Pick<LimitState, 'used' | 'limit'>): number {
  if (!(state.limit > 0)) return 100;
  return Math.max(0, Math.min(100, Math.round((state.used / state.limit) * 1000) / 10));
}

/** Stable identity of a limit within its window: the same limit after a reset is a new alert. */
export function limitId(state: Pick<LimitState, 'scope' | 'subject' | 'resetsAt'>): string {
  return `${state.scope}|${state.subject ?? ''}|${state.resetsAt ?? ''}`;
}
