import { useState, type ReactNode } from 'react';
import { describeError } from '../bridge/errors.js';
import { Button } from './Button.js';
import { Callout } from './Callout.js';
import { Dialog } from './Dialog.js';

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
  const view = error ? describeError(error) : null;
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
      {view ? (
        <Callout tone="error" title={view.title}>
          {view.message}
          {view.hint ? <p className="callout-hint">{view.hint}</p> : null}
        </Callout>
      ) : null}
    </Dialog>
  );
}
