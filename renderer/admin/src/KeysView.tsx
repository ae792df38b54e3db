import { useRef, useState } from 'react';
import type { ProviderId } from '../../../shared/contract/index.js';
import { PROVIDER_LIST, PROVIDERS } from '../../../shared/providers/registry.js';
import { errorText } from '../../src/bridge/errors.js';
import { Button, IconButton } from '../../src/ui/Button.js';
import { ConfirmDialog } from '../../src/ui/ConfirmDialog.js';
import { Dialog, DialogActions } from '../../src/ui/Dialog.js';
import { ErrorNotice } from '../../src/ui/ErrorNotice.js';
import { Field } from '../../src/ui/Field.js';
import { SecretInput } from '../../src/ui/SecretInput.js';
import { call, fieldOf } from './api.js';
import { useLoad } from './use-load.js';
import type { TeamKeyView } from './types.js';

/** The team's provider keys: added after a live test, sealed on the server, never shown again (label and last four characters only). */
export function KeysView() {
  const list = useLoad(() => call<{ keys: TeamKeyView[] }>('GET', '/api/admin/keys'));
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<TeamKeyView | null>(null);
  return (
    <div className="page">
      <header className="page-header page-header-row">
        <div>
          <h1>Keys</h1>
          <p className="page-subtitle">Provider keys the team’s models run on. Members never see them; the server keeps them encrypted with its master key.</p>
        </div>
        <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
          Add key
        </Button>
      </header>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      <section className="card">
        {!list.data ? (
          <p className="muted">Loading…</p>
        ) : list.data.keys.length === 0 ? (
          <div className="empty-state">
            <h2>No keys yet</h2>
            <p className="muted">Add a provider key, then choose the team’s models under Models.</p>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Team keys">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Label</th>
                  <th scope="col">Key</th>
                  <th scope="col">Base URL</th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.keys.map((k) => (
                  <tr key={k.id}>
                    <th scope="row">{PROVIDERS[k.provider]?.name ?? k.provider}</th>
                    <td>{k.label}</td>
                    <td className="mono">{k.last4 ? `••••${k.last4}` : '••••'}</td>
                    <td className="mono cell-url">{k.baseUrl ?? <span className="muted">default</span>}</td>
                    <td>{new Date(k.createdAt).toLocaleDateString()}</td>
                    <td className="row-actions">
                      <IconButton icon="trash" label={`Delete ${k.label}`} onClick={() => setDeleting(k)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {adding ? (
        <AddKeyDialog
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            list.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          danger
          title={`Delete ${deleting.label}?`}
          confirmLabel="Delete key"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await call('DELETE', `/api/admin/keys/${deleting.id}`);
            setDeleting(null);
            list.reload();
          }}
        >
          Calls through the team stop using it at once. Models of this provider stop working unless the team has another key for it.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function AddKeyDialog({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }) {
  const secretRef = useRef<HTMLInputElement>(null);
  const [provider, setProvider] = useState<ProviderId>('openai');
  const [label, setLabel] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const spec = PROVIDERS[provider];
  const field = fieldOf(error);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await call('POST', '/api/admin/keys', { provider, secret: secretRef.current?.value ?? '', ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}), ...(label.trim() ? { label: label.trim() } : {}) });
      if (secretRef.current) secretRef.current.value = '';
      onAdded();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Add a team key"
      description="The key is tested with a cheap call to the provider before it is saved."
      onClose={onClose}
      busy={busy}
      onSubmit={() => void submit()}
      footer={<DialogActions submitLabel={busy ? 'Testing…' : 'Test and save'} onCancel={onClose} busy={busy} />}
      status={error && field !== 'secret' && field !== 'baseUrl' && field !== 'label' ? <ErrorNotice error={error} /> : null}
    >
      <Field label="Provider">
        {(p) => (
          <select {...p} className="input" value={provider} onChange={(e) => setProvider(e.currentTarget.value as ProviderId)} data-autofocus>
            {PROVIDER_LIST.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Key" help={spec.keyHint} error={field === 'secret' ? errorText(error) : null}>
        {(p) => <SecretInput ref={secretRef} {...p} revealLabel="key" placeholder={spec.keyRequired ? 'Paste the key' : 'No key needed'} />}
      </Field>
      <Field label="Base URL" optional={spec.defaultBaseUrl !== null} help={spec.defaultBaseUrl ? `Default: ${spec.defaultBaseUrl}` : 'Required for this provider.'} error={field === 'baseUrl' ? errorText(error) : null}>
        {(p) => <input {...p} className="input input-mono" value={baseUrl} onChange={(e) => setBaseUrl(e.currentTarget.value)} placeholder={spec.defaultBaseUrl ?? 'https://…'} />}
      </Field>
      <Field label="Label" optional error={field === 'label' ? errorText(error) : null}>
        {(p) => <input {...p} className="input" value={label} onChange={(e) => setLabel(e.currentTarget.value)} placeholder={spec.name} maxLength={100} />}
      </Field>
    </Dialog>
  );
}
