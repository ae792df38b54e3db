import type { AuditEntry, VaultStatus } from '../../../../shared/contract/index.js';

/** Why the conversation's key is not among the keys: deleted by someone, or never saved (session-only vault). */
export type MissingKeyReason = 'deleted' | 'session-only' | 'unknown';

/**
 * A key id the core does not know is not necessarily a deleted key: with session-only keys (no
 * passphrase, no keychain) every key is gone after a restart. The audit log (kept on disk) says
 * whether it was deleted; the vault says whether keys are kept only for a session.
 */
export function missingKeyReason(audit: readonly Pick<AuditEntry, 'action' | 'result'>[], vault: Pick<VaultStatus, 'persistent' | 'locked'> | undefined): MissingKeyReason {
  if (audit.some((e) => e.action === 'delete' && e.result === 'ok')) return 'deleted';
  if (vault && !vault.persistent && !vault.locked) return 'session-only';
  return 'unknown';
}
