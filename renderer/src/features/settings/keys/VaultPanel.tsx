import { useState } from 'react';
import type { VaultStatus } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { errorText } from '../../../bridge/errors.js';
import { toast } from '../../../state/toast-store.js';
import { Button } from '../../../ui/Button.js';
import { Callout } from '../../../ui/Callout.js';
import { Dialog, DialogActions } from '../../../ui/Dialog.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { Field } from '../../../ui/Field.js';
import { Icon } from '../../../ui/Icon.js';
import { SecretInput } from '../../../ui/SecretInput.js';
import { readSecret, useSecretRef, wipeSecret } from '../../../ui/useSecretRef.js';
import { checkPassphrasePair } from './passphrase-pair.js';
import { ProtectionBadge } from './ProtectionBadge.js';

/** How keys are protected on this machine, and the one thing to do about it when something is off. */
export function VaultPanel({ vault, error, onRetry, onChanged }: { vault: VaultStatus | undefined; error: unknown; onRetry(): void; onChanged(): void }) {
  const [dialog, setDialog] = useState<'protect' | 'reset' | null>(null);
  if (!vault) {
    return error ? (
      <ErrorNotice error={error} onRetry={onRetry} />
    ) : (
      <section className="card vault-panel" aria-busy="true" aria-label="Key protection">
        <span className="skeleton skeleton-block" />
      </section>
    );
  }
  const canProtect = vault.actions.includes('set-passphrase') && !vault.locked;
  const canReset = vault.actions.includes('reset-vault');
  const canUnlock = vault.locked && vault.actions.includes('unlock');
  const done = () => {
    setDialog(null);
    onChanged();
  };
  return (
    <section className="card vault-panel" aria-labelledby="vault-title">
      <div className="vault-summary">
        <span className={`vault-icon ${vault.locked || vault.warning ? 'is-warning' : ''}`} aria-hidden="true">
          <Icon name={vault.locked ? 'lock' : 'shield'} size={20} />
        </span>
        <div className="vault-text">
          <h2 id="vault-title" className="card-title">
            Key protection <ProtectionBadge vault={vault} />
          </h2>
          {vault.locked ? null : <p className="vault-lead">{protectionLead(vault)}</p>}
          <p>{vault.summary}</p>
          <p className="muted small">
            Backend: <code>{vault.backend}</code>
          </p>
        </div>
        {canProtect ? (
          <Button variant="primary" icon="lock" onClick={() => setDialog('protect')}>
            Set a passphrase
          </Button>
        ) : null}
      </div>
      {vault.warning && !canUnlock ? (
        <Callout tone="warning" {...(warningTitle(vault) ? { title: warningTitle(vault)! } : {})}>
          {vault.warning}
        </Callout>
      ) : null}
      {canUnlock ? <UnlockForm onUnlocked={onChanged} help={vault.warning || 'Enter your passphrase to use your saved keys.'} /> : null}
      {canReset ? (
        <div className="vault-reset">
          <p className="muted small">Cannot open the saved keys? Start a new vault: the old file is kept as a backup and you re-enter your keys.</p>
          <Button size="sm" variant="ghost" className="btn-danger-ghost" onClick={() => setDialog('reset')}>
            Start a new vault…
          </Button>
        </div>
      ) : null}
      {dialog === 'protect' ? <ProtectDialog onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'reset' ? <ResetVaultDialog onClose={() => setDialog(null)} onDone={done} /> : null}
    </section>
  );
}

function protectionLead(vault: VaultStatus): string {
  switch (vault.protection) {
    case 'session-only':
      return 'Keys are kept for this session only';
    case 'passphrase':
      return 'Keys are saved, protected by your passphrase';
    case 'os-keychain':
      return 'Keys are saved, protected by the system keychain';
  }
}

/** No title for session-only: the headline above already says it. */
function warningTitle(vault: VaultStatus): string | null {
  if (vault.locked) return 'Action needed';
  if (vault.protection === 'session-only') return null;
  return 'Your keys are not well protected';
}

function UnlockForm({ onUnlocked, help }: { onUnlocked(): void; help: string }) {
  const bridge = useBridge();
  const ref = useSecretRef();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unlock = async () => {
    const passphrase = readSecret(ref);
    if (passphrase === '') {
      setError('Enter your passphrase.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await bridge.call('vault.unlock', { passphrase });
      wipeSecret(ref);
      toast.success('Keys unlocked');
      onUnlocked();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="unlock-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void unlock();
      }}
    >
      <Field label="Passphrase" help={help} error={error}>
        {(props) => <SecretInput ref={ref} {...props} revealLabel="passphrase" placeholder="Passphrase" />}
      </Field>
      <Button type="submit" variant="primary" icon="lock" busy={busy}>
        Unlock keys
      </Button>
    </form>
  );
}

function ProtectDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const bridge = useBridge();
  const first = useSecretRef();
  const second = useSecretRef();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field: 'first' | 'second'; text: string } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const save = async () => {
    const checked = checkPassphrasePair(readSecret(first), readSecret(second));
    if (!checked.ok) {
      setProblem(checked);
      return;
    }
    const { passphrase } = checked;
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      await bridge.call('vault.protect', { passphrase });
      toast.success('Passphrase set', 'Your keys are now kept encrypted on disk and survive a restart.');
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Protect your keys with a passphrase"
      description={
        <p>
          Your keys are then encrypted on disk and survive a restart. After each start you unlock them here with the passphrase (the
          web host can also read it from <code>--passphrase-file</code>). It cannot be recovered if you forget it.
        </p>
      }
      busy={busy}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={<DialogActions submitLabel="Set passphrase" onCancel={onClose} busy={busy} />}
    >
      <Field label="Passphrase" help="At least 8 characters; a few unrelated words work well." error={problem?.field === 'first' ? problem.text : null}>
        {(props) => <SecretInput ref={first} {...props} data-autofocus revealLabel="passphrase" />}
      </Field>
      <Field label="Repeat the passphrase" error={problem?.field === 'second' ? problem.text : null}>
        {(props) => <SecretInput ref={second} {...props} revealLabel="passphrase" />}
      </Field>
      {error ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}

function ResetVaultDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const bridge = useBridge();
  const first = useSecretRef();
  const second = useSecretRef();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reset = async () => {
    // Both problems show under the second field: with an optional pair, that is where the eye is.
    const checked = checkPassphrasePair(readSecret(first), readSecret(second), true);
    if (!checked.ok) {
      setProblem(checked.text);
      return;
    }
    const { passphrase } = checked;
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      await bridge.call('vault.reset', { confirm: true, ...(passphrase ? { passphrase } : {}) });
      toast.success('New vault started', 'Re-enter your keys: the ones from the old vault are marked “Re-enter key”.');
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Start a new vault?"
      description={
        <p>
          Switchboard keeps the old vault file beside the new one as a backup; nothing is deleted. Keys from the old vault stay listed
          as “Re-enter key” until you rotate them in.
        </p>
      }
      busy={busy}
      onClose={onClose}
      onSubmit={() => void reset()}
      footer={<DialogActions submitLabel="Start a new vault" onCancel={onClose} busy={busy} variant="danger" />}
    >
      <Field label="Passphrase for the new vault" optional help="Leave empty to use the system keychain where there is one, else this session only.">
        {(props) => <SecretInput ref={first} {...props} data-autofocus revealLabel="passphrase" />}
      </Field>
      <Field label="Repeat the passphrase" optional error={problem}>
        {(props) => <SecretInput ref={second} {...props} revealLabel="passphrase" />}
      </Field>
      {error ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}
