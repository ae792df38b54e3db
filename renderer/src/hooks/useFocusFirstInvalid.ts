import { useEffect } from 'react';

/**
 * After a refused save, moves focus to the first input marked invalid in the open dialog. In a long
 * form the field with the message is often scrolled out of view, and pressing the button otherwise
 * seems to do nothing; focusing it scrolls it into view and tells a screen reader where to look.
 */
export function useFocusFirstInvalid(error: unknown): void {
  useEffect(() => {
    if (!error) return;
    document.querySelector<HTMLElement>('dialog[open] [aria-invalid="true"]')?.focus();
  }, [error]);
}
