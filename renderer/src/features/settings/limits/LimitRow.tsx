import { useEffect, useId, useState } from 'react';
import type { LimitState, LimitsPatch, MethodResponse } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { errorText, isBridgeError } from '../../../bridge/errors.js';
import { Button } from '../../../ui/Button.js';
import { LimitMeter } from '../../usage/LimitMeter.js';
import { fieldOf, formatLimitInput, parseLimitInput, patchFor, rowErrorMessage, unitOf, type LimitTarget } from './limits-form.js';

export type LimitsAnswer = MethodResponse<'limits.set'>;

/** Sends one change to the core; a refusal comes back as the text to show under the field. */
export function useLimitSaver(onSaved: (answer: LimitsAnswer) => void) {
  const bridge = useBridge();
  return async (patch: LimitsPatch, field: string): Promise<string | null> => {
    try {
      onSaved(await bridge.call('limits.set', patch));
      return null;
    } catch (err) {
      if (isBridgeError(err) && err.code === 'VALIDATION') return rowErrorMessage(err.message, err.details?.field, field);
      return errorText(err);
    }
  };
}

function AmountInput({ id, unit, value, onChange, invalid, describedBy, label }: { id: string; unit: 'tokens' | 'usd'; value: string; onChange(v: string): void; invalid: boolean; describedBy: string; label?: string }) {
  return (
    <div className="input-affix limit-input">
      {unit === 'usd' ? (
        <span className="input-prefix" aria-hidden="true">
          $
        </span>
      ) : null}
      <input
        id={id}
        className="input"
        inputMode={unit === 'usd' ? 'decimal' : 'numeric'}
        autoComplete="off"
        value={value}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      <span className="input-suffix">{unit === 'usd' ? 'USD' : 'tokens'}</span>
    </div>
  );
}

/**
 * A limit that is set: its value (edit and save, or remove), its use in the current window and
 * when it resets. Errors from the form or the core show under the input.
 */
export function LimitRow({
  target,
  title,
  value,
  state,
  timeZone,
  onSaved,
}: {
  target: LimitTarget;
  title: string;
  value: number;
  state: LimitState | undefined;
  timeZone: string;
  onSaved(answer: LimitsAnswer): void;
}) {
  const unit = unitOf(target);
  const id = useId();
  const [text, setText] = useState(formatLimitInput(value, unit));
  // Until the user types, the field follows the saved value (which another window may change).
  const [edited, setEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'remove' | null>(null);
  const save = useLimitSaver(onSaved);
  const dirty = text.trim() !== formatLimitInput(value, unit);

  useEffect(() => {
    if (!edited) setText(formatLimitInput(value, unit));
  }, [value, unit, edited]);

  const submit = async () => {
    const parsed = parseLimitInput(text, unit);
    if (parsed.error !== null || parsed.value === null) {
      setError(parsed.error);
      return;
    }
    setBusy('save');
    const problem = await save(patchFor(target, parsed.value), fieldOf(target));
    setBusy(null);
    setError(problem);
    if (!problem) setEdited(false);
  };
  const remove = async () => {
    setBusy('remove');
    const problem = await save(patchFor(target, null), fieldOf(target));
    setBusy(null);
    setError(problem);
  };

  return (
    <li className="limit-row" data-limit={fieldOf(target)}>
      <form
        className="limit-row-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor={`${id}-value`} className="limit-row-title">
          {title}
        </label>
        <AmountInput id={`${id}-value`} unit={unit} value={text} onChange={(v) => {
            setText(v);
            setEdited(true);
            setError(null);
          }}
          invalid={error !== null}
          describedBy={`${id}-msg`}
        />
        <div className="limit-row-actions">
          <Button type="submit" size="sm" variant={dirty ? 'primary' : 'secondary'} disabled={!dirty} busy={busy === 'save'}>
            Save
          </Button>
          <Button size="sm" variant="ghost" className="btn-danger-ghost" busy={busy === 'remove'} onClick={() => void remove()} aria-label={`Remove ${title}`}>
            Remove
          </Button>
        </div>
        <p id={`${id}-msg`} className={`field-message ${error ? 'is-error' : ''}`} aria-live="polite">
          {error ?? ''}
        </p>
      </form>
      {state ? <LimitMeter state={state} title={`Use of ${title}`} timeZone={timeZone} compact hideTitle /> : null}
    </li>
  );
}

/** Adds a limit for one more subject (a provider or key), or sets a single limit that is not set yet. */
export function AddLimit({
  label,
  unit,
  subjects,
  subjectLabel,
  placeholder,
  onAdd,
}: {
  label: string;
  unit: 'tokens' | 'usd';
  /** Choices for the subject select; omit for a single limit (the monthly total, the conversation budget). */
  subjects?: { value: string; label: string }[];
  subjectLabel?: string;
  placeholder: string;
  onAdd(subject: string | null, value: number): Promise<string | null>;
}) {
  const id = useId();
  const [subject, setSubject] = useState(subjects?.[0]?.value ?? '');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (subjects && !subjects.some((s) => s.value === subject)) setSubject(subjects[0]?.value ?? '');
  }, [subjects, subject]);

  if (subjects && subjects.length === 0) return null;
  const submit = async () => {
    const parsed = parseLimitInput(text, unit);
    if (parsed.error !== null || parsed.value === null) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    const problem = await onAdd(subjects ? subject : null, parsed.value);
    setBusy(false);
    setError(problem);
    if (!problem) setText('');
  };
  return (
    <form
      className="add-limit"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="add-limit-fields">
        {subjects ? (
          <div className="field">
            <label htmlFor={`${id}-subject`} className="field-label">
              {subjectLabel}
            </label>
            <select id={`${id}-subject`} className="input" value={subject} onChange={(e) => setSubject(e.currentTarget.value)}>
              {subjects.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-amount`} className="field-label">
            {label}
          </label>
          <AmountInput id={`${id}-amount`} unit={unit} value={text} onChange={(v) => { setText(v); setError(null); }} invalid={error !== null} describedBy={`${id}-msg`} />
        </div>
        <Button type="submit" icon="plus" busy={busy} className="add-limit-button">
          {placeholder}
        </Button>
      </div>
      <p id={`${id}-msg`} className={`field-message ${error ? 'is-error' : ''}`} aria-live="polite">
        {error ?? ''}
      </p>
    </form>
  );
}
