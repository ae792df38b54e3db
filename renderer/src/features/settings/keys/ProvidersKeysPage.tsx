import { useState } from 'react';
import type { KeyInfo, ProviderId } from '../../../../../shared/contract/index.js';
import { providerSpec } from '../../../../../shared/providers/registry.js';
import { useBridge } from '../../../bridge/context.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { useNow } from '../../../hooks/useNow.js';
import { toast } from '../../../state/toast-store.js';
import { Button } from '../../../ui/Button.js';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { formatLatency } from '../../../ui/format.js';
import { AddKeyDialog } from './AddKeyDialog.js';
import { AuditLog } from './AuditLog.js';
import { EditKeyDialog } from './EditKeyDialog.js';
import { FailoverPanel } from './FailoverPanel.js';
import { FirstTokenPanel } from './FirstTokenPanel.js';
import { keyDisplayName, maskedKey, providerEntries } from './key-form.js';
import type { KeyAction } from './KeyRow.js';
import { ProviderCard, ProviderTile } from './ProviderCard.js';
import { RotateKeyDialog } from './RotateKeyDialog.js';
import { VaultPanel } from './VaultPanel.js';

type Open = { kind: 'add'; provider: ProviderId } | { kind: KeyAction; key: KeyInfo } | null;

const REFRESH = ['keys.changed', 'vault.changed'] as const;

export function ProvidersKeysPage() {
  const bridge = useBridge();
  const vault = useBridgeQuery('vault.status', {}, { refreshOn: ['vault.changed'] });
  const providers = useBridgeQuery('providers.list', {}, { refreshOn: REFRESH });
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: REFRESH });
  const [open, setOpen] = useState<Open>(null);
  const now = useNow(60_000);

  const refresh = () => {
    keys.reload();
    providers.reload();
  };
  const entries = providerEntries(providers.data?.providers, keys.data?.keys);
  const configured = entries.filter((e) => e.configured);
  const others = entries.filter((e) => !e.configured);
  const loading = keys.data === undefined && keys.error === undefined;
  const onAction = (action: KeyAction, key: KeyInfo) => setOpen({ kind: action, key });

  return (
    <div className="keys-page">
      <div className="section-intro">
        <p>
          Switchboard calls providers with your own keys. Keys are encrypted on this computer and never shown again after you save them:
          only their last four characters are.
        </p>
        <Button variant="primary" icon="plus" onClick={() => setOpen({ kind: 'add', provider: configured[0]?.spec.id ?? 'openai' })}>
          Add key
        </Button>
      </div>

      <VaultPanel vault={vault.data} error={vault.error} onRetry={vault.reload} onChanged={() => { vault.reload(); refresh(); }} />

      {keys.error && !keys.data ? <ErrorNotice error={keys.error} onRetry={refresh} /> : null}

      <section aria-labelledby="your-providers" className="providers-section" aria-busy={loading}>
        <h2 id="your-providers" className="section-title">
          Your providers
        </h2>
        {loading ? (
          <div className="card skeleton-card" aria-hidden="true">
            <span className="skeleton skeleton-text wide" />
            <span className="skeleton skeleton-text" />
          </div>
        ) : configured.length === 0 ? (
          <div className="card empty-providers">
            <p>
              <strong>No keys yet.</strong> Add one below to start chatting; each key is tested with one cheap call before it is saved.
            </p>
          </div>
        ) : (
          <div className="provider-cards">
            {configured.map((e) => (
              <ProviderCard key={e.spec.id} entry={e} now={now} onAdd={() => setOpen({ kind: 'add', provider: e.spec.id })} onAction={onAction} onTested={refresh} />
            ))}
          </div>
        )}
      </section>

      {others.length > 0 ? (
        <section aria-labelledby="more-providers" className="providers-section">
          <h2 id="more-providers" className="section-title">
            {configured.length === 0 ? 'Providers' : 'Add another provider'}
          </h2>
          <div className="provider-grid">
            {others.map((e) => (
              <ProviderTile key={e.spec.id} entry={e} onAdd={() => setOpen({ kind: 'add', provider: e.spec.id })} />
            ))}
          </div>
        </section>
      ) : null}

      <FailoverPanel />
      <FirstTokenPanel />
      <AuditLog keys={keys.data?.keys} />

      {open?.kind === 'add' ? (
        <AddKeyDialog
          provider={open.provider}
          onClose={() => setOpen(null)}
          onSaved={(key, test) => {
            setOpen(null);
            refresh();
            toast.success(
              `${providerSpec(key.provider).name} key added`,
              test?.ok ? `${keyDisplayName(key)} ${maskedKey(key)} connected in ${formatLatency(test.latencyMs)}.` : `${keyDisplayName(key)} ${maskedKey(key)} is ready.`,
            );
          }}
        />
      ) : null}
      {open?.kind === 'rotate' ? (
        <RotateKeyDialog
          keyInfo={open.key}
          onClose={() => setOpen(null)}
          onRotated={(key) => {
            setOpen(null);
            refresh();
            toast.success('Key replaced', `${keyDisplayName(key)} now ends in ${maskedKey(key)}. Remember to revoke the old key at the provider.`);
          }}
        />
      ) : null}
      {open?.kind === 'edit' ? (
        <EditKeyDialog
          keyInfo={open.key}
          onClose={() => setOpen(null)}
          onSaved={() => {
            setOpen(null);
            refresh();
            toast.success('Key updated');
          }}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <ConfirmDialog
          title="Delete this key?"
          confirmLabel="Delete key"
          danger
          onClose={() => setOpen(null)}
          onConfirm={async () => {
            const res = await bridge.call('keys.delete', { id: open.key.id });
            setOpen(null);
            refresh();
            const ended = res.endedSessions;
            toast.success(
              'Key deleted',
              ended === 0 ? 'No conversation was using it.' : `${ended} active ${ended === 1 ? 'session that used it was' : 'sessions that used it were'} ended.`,
            );
          }}
        >
          <p>
            The {providerSpec(open.key.provider).name} key <strong>{keyDisplayName(open.key)}</strong> <code>{maskedKey(open.key)}</code> is removed
            from this computer. Conversations using it stop until you pick another model; running sessions are ended now.
          </p>
          <p className="muted">Its usage history is kept. To be safe, also revoke the key at the provider.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
