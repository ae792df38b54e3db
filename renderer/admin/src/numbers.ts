/**
 * A number typed into a field that may be left empty: null when empty, the number, or 'invalid'
 * (text that is not a number must never be sent as null, which would clear a limit).
 */
export function optionalNumber(text: string): number | null | 'invalid' {
  const t = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && /^[0-9.]+$/.test(t) ? n : 'invalid';
}
