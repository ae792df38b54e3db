import { useEffect, useRef, useState } from 'react';

/**
 * Edits a short text in place: Enter saves, Escape cancels, leaving the field saves.
 * `onSave` may throw to keep the editor open with the old value restored.
 */
export function InlineEdit({
  value,
  label,
  onSave,
  onDone,
  className,
  maxLength = 120,
}: {
  value: string;
  label: string;
  onSave(next: string): Promise<void> | void;
  onDone(): void;
  className?: string;
  maxLength?: number;
}) {
  const [text, setText] = useState(value);
  const ref = useRef<HTMLInputElement>(null);
  const finished = useRef(false);

  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);

  const finish = async (save: boolean) => {
    if (finished.current) return;
    finished.current = true;
    if (save && text.trim() !== '' && text !== value) {
      try {
        await onSave(text);
      } catch {
        /* the caller reports the problem; the old title stays */
      }
    }
    onDone();
  };

  return (
    <input
      ref={ref}
      className={`inline-edit ${className ?? ''}`}
      aria-label={label}
      value={text}
      maxLength={maxLength}
      onChange={(e) => setText(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          void finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          void finish(false);
        }
      }}
      onBlur={() => void finish(true)}
    />
  );
}
