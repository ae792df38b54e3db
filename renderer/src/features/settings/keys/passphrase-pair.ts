export const MIN_PASSPHRASE = 8;

export type PassphraseCheck = { ok: true; passphrase: string } | { ok: false; field: 'first' | 'second'; text: string };

/**
 * A new passphrase typed twice. `optional`: both fields empty is a valid answer (no passphrase),
 * so the length message says how to get there.
 */
export function checkPassphrasePair(first: string, second: string, optional = false): PassphraseCheck {
  if (!(optional && first === '') && first.length < MIN_PASSPHRASE) {
    return { ok: false, field: 'first', text: optional ? `Use at least ${MIN_PASSPHRASE} characters, or leave both fields empty.` : `Use at least ${MIN_PASSPHRASE} characters.` };
  }
  if (first !== second) return { ok: false, field: 'second', text: 'The two passphrases differ.' };
  return { ok: true, passphrase: first };
}
