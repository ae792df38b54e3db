import { useId, type ReactNode } from 'react';

export interface FieldRenderProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

/**
 * A labelled form field. Help, a positive note and an error share one line under the input: the
 * error (or note) takes the help's place while it applies, so typing never makes a form jump.
 */
export function Field({
  label,
  help,
  error,
  status,
  optional,
  children,
}: {
  label: ReactNode;
  help?: ReactNode;
  error?: string | null;
  /** A positive note (e.g. "Looks like an OpenAI key."). */
  status?: string | null;
  optional?: boolean;
  children: (props: FieldRenderProps) => ReactNode;
}) {
  const id = useId();
  const msgId = useId();
  const message = error ?? status ?? null;
  const hasLine = help !== undefined || error !== undefined || status !== undefined;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
        {optional ? <span className="field-optional"> (optional)</span> : null}
      </label>
      {children({ id, ...(hasLine ? { 'aria-describedby': msgId } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {hasLine ? (
        <p id={msgId} className={`field-message ${error ? 'is-error' : status ? 'is-ok' : ''}`} aria-live={message ? 'polite' : undefined}>
          {message ?? help ?? ''}
        </p>
      ) : null}
    </div>
  );
}
