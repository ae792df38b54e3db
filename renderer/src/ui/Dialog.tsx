import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
import { Button, IconButton } from './Button.js';

export interface DialogProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  /** Shown between the body and the footer, outside the scrolling area, so results stay in view. */
  status?: ReactNode;
  onClose(): void;
  /** While true, Escape and the close button do nothing (an action is running). */
  busy?: boolean;
  size?: 'sm' | 'md' | 'lg';
  /** Called on submit of the dialog's form (Enter in a field). */
  onSubmit?: () => void;
  /** data-testid-like hook for tests and styling. */
  className?: string;
  /**
   * Where focus goes when the dialog closes; without it, or when it gives null, focus goes back where
   * it was. For dialogs whose next step, once done, is typing somewhere else.
   */
  focusAfterClose?: () => HTMLElement | null;
}

/**
 * A modal built on <dialog>: the browser traps focus, makes the page behind inert and puts it in the
 * top layer. Mounted = open; unmounting closes it and returns focus where it was. Clicking the
 * backdrop does not close it, so a half-typed form is never lost by a stray click. Mark the element
 * that should get focus first with `data-autofocus`.
 */
export function Dialog({ title, description, children, footer, status, onClose, busy = false, size = 'md', onSubmit, className, focusAfterClose }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const focusAfterRef = useRef(focusAfterClose);
  focusAfterRef.current = focusAfterClose;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first focusable element (the close button); start where typing begins.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      const next = focusAfterRef.current?.() ?? null;
      if (next) next.focus();
      else if (previous?.isConnected) previous.focus();
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (!busyRef.current) closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size} ${className ?? ''}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
    >
      <form
        className="dialog-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busyRef.current) onSubmit?.();
        }}
      >
        <header className="dialog-header">
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          <IconButton icon="x" label="Close" onClick={() => !busy && onClose()} disabled={busy} />
        </header>
        {description ? (
          <div id={descId} className="dialog-description">
            {description}
          </div>
        ) : null}
        <div className="dialog-body">{children}</div>
        {status ? <div className="dialog-status">{status}</div> : null}
        {footer ? <footer className="dialog-footer">{footer}</footer> : null}
      </form>
    </dialog>
  );
}

/**
 * The usual footer: optional actions on the left, then Cancel and the form's submit button. Cancel is
 * disabled while the dialog is busy; `saving` is the submit's own spinner where the dialog has more
 * than one running action (defaults to `busy`).
 */
export function DialogActions({
  submitLabel,
  onCancel,
  busy,
  saving = busy,
  disabled,
  variant = 'primary',
  before,
}: {
  submitLabel: ReactNode;
  onCancel(): void;
  busy: boolean;
  saving?: boolean;
  disabled?: boolean;
  variant?: 'primary' | 'danger';
  before?: ReactNode;
}) {
  return (
    <>
      {before ? (
        <>
          {before}
          <span className="footer-spacer" />
        </>
      ) : null}
      <Button onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
      <Button type="submit" variant={variant} busy={saving} disabled={disabled}>
        {submitLabel}
      </Button>
    </>
  );
}
