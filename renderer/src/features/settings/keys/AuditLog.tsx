import { useState } from 'react';
import type { AuditEntry, KeyInfo } from '../../../../../shared/contract/index.js';
import { providerSpec } from '../../../../../shared/providers/registry.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { Badge } from '../../../ui/Badge.js';
import { Button } from '../../../ui/Button.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { formatWhen } from '../../../ui/datetime.js';
import { useDisplayZone } from '../../../state/time-zone-store.js';
import { keyDisplayName, maskedKey } from './key-form.js';

const ACTIONS: Record<AuditEntry['action'], string> = {
  add: 'Added',
  update: 'Edited',
  rotate: 'Rotated',
  test: 'Tested',
  delete: 'Deleted',
  'decrypt-failed': 'Could not decrypt',
  'rate-limited': 'Refused: too many changes',
  unlock: 'Unlocked',
  protect: 'Passphrase set',
  reset: 'Vault reset',
  'team-connect': 'Connected to a team',
  'team-disconnect': 'Left the team',
};

const PAGE = 50;

/** Every credential operation (who, what, when, result — never a secret), newest first. */
export function AuditLog({ keys }: { keys: KeyInfo[] | undefined }) {
  const [open, setOpen] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const zone = useDisplayZone();
  const audit = useBridgeQuery('keys.audit', { limit: limit + 1 }, { enabled: open, refreshOn: ['keys.changed', 'vault.changed'] });
  const byId = new Map((keys ?? []).map((k) => [k.id, k]));
  const entries = audit.data?.entries ?? [];
  const shown = entries.slice(0, limit);

  return (
    <details className="card audit-log" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2 className="card-title">Credential activity</h2>
        <span className="muted">Every add, test, rotation and deletion, with who asked. Secrets are never recorded.</span>
      </summary>
      {audit.error && !audit.data ? <ErrorNotice error={audit.error} onRetry={audit.reload} /> : null}
      {audit.data && entries.length === 0 ? <p className="muted">Nothing yet.</p> : null}
      {shown.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Provider</th>
                <th scope="col">Key</th>
                <th scope="col">Result</th>
                <th scope="col">By</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => {
                const key = e.keyId ? byId.get(e.keyId) : undefined;
                return (
                  <tr key={e.id}>
                    <td className="nowrap">{formatWhen(e.time, zone, { seconds: true })}</td>
                    <td>{ACTIONS[e.action]}</td>
                    <td>{e.provider ? providerSpec(e.provider).name : '—'}</td>
                    <td>{key ? `${keyDisplayName(key)} ${maskedKey(key)}` : e.keyId ? <code title={e.keyId}>{e.keyId.slice(0, 8)}</code> : '—'}</td>
                    <td>
                      <Badge tone={e.result === 'ok' ? 'success' : e.result === 'refused' ? 'warning' : 'danger'}>{e.result}</Badge>
                    </td>
                    <td className="muted">{e.actor}</td>
                    <td>{e.detail ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {entries.length > limit ? (
        <Button size="sm" onClick={() => setLimit((l) => l + PAGE * 4)} busy={audit.loading}>
          Show older entries
        </Button>
      ) : null}
    </details>
  );
}
