import { forwardRef, useState, type InputHTMLAttributes } from 'react';
import { IconButton } from './Button.js';

export interface SecretInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'value' | 'defaultValue'> {
  /** What is hidden, for the reveal button's label ("Show key"). */
  revealLabel?: string;
}

/**
 * A masked input for secrets. It is uncontrolled on purpose: React mirrors a controlled input's
 * value into the `value` attribute, which would put the secret into the DOM's HTML. Read it through
 * the ref, clear it with `ref.current.value = ''`. No autocomplete, no spellcheck, no password
 * manager prompts.
 */
export const SecretInput = forwardRef<HTMLInputElement, SecretInputProps>(function SecretInput({ revealLabel = 'secret', className, ...rest }, ref) {
  const [revealed, setRevealed] = useState(false);
  return (
    <div className="secret-input">
      <input
        ref={ref}
        type={revealed ? 'text' : 'password'}
        className={`input input-mono ${className ?? ''}`}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        data-1p-ignore=""
        data-lpignore="true"
        data-form-type="other"
        {...rest}
      />
      <IconButton
        icon={revealed ? 'eyeOff' : 'eye'}
        label={revealed ? `Hide ${revealLabel}` : `Show ${revealLabel}`}
        aria-pressed={revealed}
        onClick={() => setRevealed((r) => !r)}
      />
    </div>
  );
});
