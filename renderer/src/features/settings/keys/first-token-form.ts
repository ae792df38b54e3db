/** The bounds settings.set accepts for a first-token limit, in whole seconds (shared/contract/app.ts). */
export const FIRST_TOKEN_BOUNDS = { min: 5, max: 900 } as const;

/** A typed number of seconds, or the sentence to show under the field. */
export function parseSeconds(text: string): { ok: true; seconds: number } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'Enter a number of seconds.' };
  if (!/^\d+$/.test(t)) return { ok: false, error: 'Use whole seconds, e.g. 30.' };
  const n = Number(t);
  if (n < FIRST_TOKEN_BOUNDS.min || n > FIRST_TOKEN_BOUNDS.max) return { ok: false, error: `Between ${FIRST_TOKEN_BOUNDS.min} and ${FIRST_TOKEN_BOUNDS.max} seconds.` };
  return { ok: true, seconds: n };
}
