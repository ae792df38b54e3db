import type { VaultStatus } from '../../../../../shared/contract/index.js';
import { Badge } from '../../../ui/Badge.js';

export function protectionLabel(vault: VaultStatus): string {
  if (vault.locked) return 'Locked';
  switch (vault.protection) {
    case 'os-keychain':
      return 'OS keychain';
    case 'passphrase':
      return 'Passphrase';
    case 'session-only':
      return 'This session only';
  }
}

export function ProtectionBadge({ vault }: { vault: VaultStatus }) {
  const tone = vault.locked ? 'warning' : vault.warning ? 'warning' : vault.protection === 'session-only' ? 'info' : 'success';
  return <Badge tone={tone}>{protectionLabel(vault)}</Badge>;
}
