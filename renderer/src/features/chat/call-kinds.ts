import type { Attempt, CallKind, ChatTarget } from '../../../../shared/contract/index.js';
import type { BadgeTone } from '../../ui/badge-tone.js';

/**
 * One vocabulary for why a request was made, in the attempts under an answer and in Usage → Calls:
 * a retry sends the same request with the same key again, a key failover uses the provider's next
 * key, a fallback is the next model of the chain.
 */
export const CALL_KIND_LABEL: Record<CallKind, string> = {
  first: 'first request',
  retry: 'retry',
  'key-failover': 'key failover',
  fallback: 'fallback',
};

/** An attempt stored before requests were told apart has no kind: read it from its place in the chain. */
export function attemptKind(a: Pick<Attempt, 'chainIndex' | 'attempt'> & { kind?: CallKind }): CallKind {
  if (a.kind) return a.kind;
  if (a.attempt > 1) return 'retry';
  return a.chainIndex > 0 ? 'fallback' : 'first';
}

/** What a Usage → Calls row says about its call: "retry, try 3", "key failover from Work" (the key it replaced), "fallback"; null for a first request. */
export function callKindText(kind: CallKind, attempt: number, replacedKeyLabel: string | null): string | null {
  switch (kind) {
    case 'first':
      return null;
    case 'retry':
      return `${CALL_KIND_LABEL.retry}, try ${attempt}`;
    case 'key-failover':
      return `${CALL_KIND_LABEL['key-failover']} from ${replacedKeyLabel ?? 'another key'}`;
    case 'fallback':
      return CALL_KIND_LABEL.fallback;
  }
}

/** How an attempt ended, as its badge says it. */
export function attemptOutcome(a: Pick<Attempt, 'status' | 'errorCode'>): { label: string; tone: BadgeTone } {
  switch (a.status) {
    case 'ok':
      return { label: 'ok', tone: 'success' };
    case 'error':
      return { label: 'error', tone: 'danger' };
    case 'cancelled':
      return a.errorCode === 'SKIPPED_BY_USER' ? { label: 'skipped by you', tone: 'neutral' } : { label: 'stopped', tone: 'neutral' };
    case 'skipped':
      return { label: a.errorCode === 'SKIPPED_BY_USER' ? 'skipped by you' : 'skipped', tone: 'neutral' };
    case 'refused':
      return { label: 'refused by a limit', tone: 'warning' };
  }
}

/** The model a chain target names, for "Skip to …". */
export function targetName(target: ChatTarget): string {
  return 'system' in target ? 'the system default' : target.model;
}
