import { useState, type ReactNode } from 'react';
import { Button } from './Button.js';
import { Dialog } from './Dialog.js';
import { ErrorNotice } from './ErrorNotice.js';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Runs the action; the dialog stays open with the error if it throws. */
  onConfirm(): Promise<void> | void;
  onClose(): void;
  danger?: boolean;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose, danger = false }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      size="sm"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void run()}
      footer={
        <>
          {/* Destructive confirmations start on Cancel, so a stray Enter never deletes anything. */}
          <Button onClick={onClose} disabled={busy} {...(danger ? { 'data-autofocus': true } : {})}>
            Cancel
          </Button>
          <Button type="submit" variant={danger ? 'danger' : 'primary'} busy={busy} {...(danger ? {} : { 'data-autofocus': true })}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="confirm-text">{children}</div>
      {error ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}
