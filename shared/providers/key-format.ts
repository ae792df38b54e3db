import type { ProviderId } from '../contract/common.js';
import { PROVIDER_LIST, PROVIDERS, type KeyShape } from './registry.js';

/**
 * What a pasted key looks like, judged for one provider's form. Never carries any part of the key
 * beyond the provider prefixes of the registry and a character count.
 */
export type KeyCheck =
  | { kind: 'empty' }
  | { kind: 'ok' }
  /** It carries another provider's prefix ("sk-ant-" in the OpenAI form). */
  | { kind: 'other-provider'; provider: ProviderId; prefix: string }
  /** A space or tab in the middle: probably two things pasted ("Bearer sk-…"). */
  | { kind: 'inner-space' }
  /** It does not start the way this provider's keys start (`plain`: the shape without a beginning, in words). */
  | { kind: 'prefix'; expected: string[]; plain?: string }
  /** The right beginning, then characters this provider's keys do not have. */
  | { kind: 'chars'; prefix: string; allowed: KeyShape['chars']; dashOrUnderscoreOnly: boolean }
  /** The right beginning and characters, but too few or too many of them. */
  | { kind: 'length'; prefix: string; count: number; min: number; max: number | undefined };

// Zero-width characters and the byte-order mark ride along with text copied from web pages.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;
const LINE_BREAK_RUN = /[ \t]*[\r\n\u2028\u2029]+[ \t]*/g;

/**
 * A pasted key as it is meant: surrounding whitespace and line breaks trimmed, a key wrapped over
 * several lines joined, invisible characters dropped. A space inside one line stays (the check says so).
 */
export function normalizePastedKey(raw: string): string {
  return raw.replace(INVISIBLE, '').trim().replace(LINE_BREAK_RUN, '');
}

const CHARSET: Record<KeyShape['chars'], RegExp> = { alnum: /^[A-Za-z0-9]*$/, token: /^[A-Za-z0-9_-]*$/ };

function fits(shape: KeyShape, key: string): boolean {
  if (!key.startsWith(shape.prefix)) return false;
  const body = key.slice(shape.prefix.length);
  return CHARSET[shape.chars].test(body) && body.length >= shape.min && (shape.max === undefined || body.length <= shape.max);
}

/** The provider whose own prefix the key starts with (the longest match), or null. */
export function recognizeKey(key: string): { provider: ProviderId; prefix: string } | null {
  let best: { provider: ProviderId; prefix: string } | null = null;
  for (const spec of PROVIDER_LIST) {
    for (const prefix of spec.keyPrefixes) {
      if (key.startsWith(prefix) && (!best || prefix.length > best.prefix.length)) best = { provider: spec.id, prefix };
    }
  }
  return best;
}

/** Classifies a key (already normalized) for a provider's form. */
export function classifyKey(provider: ProviderId, key: string): KeyCheck {
  const spec = PROVIDERS[provider];
  if (key === '') return { kind: 'empty' };
  if (/\s/.test(key)) return { kind: 'inner-space' };
  // A form that takes any key (local servers) has no opinion about whose key it is.
  if (spec.keyShapes.length === 0) return { kind: 'ok' };
  const known = recognizeKey(key);
  if (known && known.provider !== provider) return { kind: 'other-provider', ...known };
  if (spec.keyShapes.some((shape) => fits(shape, key))) return { kind: 'ok' };
  // Explain against the shape whose beginning the key has (the longest), else name the beginnings expected.
  const shape = [...spec.keyShapes].sort((a, b) => b.prefix.length - a.prefix.length).find((s) => key.startsWith(s.prefix));
  const prefixes = spec.keyShapes.map((s) => s.prefix).filter((p) => p !== '');
  if (!shape) return { kind: 'prefix', expected: prefixes };
  // Only the shape without a beginning is left: the key may just as well be a mangled prefixed one.
  if (shape.prefix === '' && prefixes.length > 0) return { kind: 'prefix', expected: prefixes, plain: shapeWords(shape) };
  const body = key.slice(shape.prefix.length);
  if (!CHARSET[shape.chars].test(body)) {
    return { kind: 'chars', prefix: shape.prefix, allowed: shape.chars, dashOrUnderscoreOnly: CHARSET.token.test(body) };
  }
  return { kind: 'length', prefix: shape.prefix, count: body.length, min: shape.min, max: shape.max };
}

function shapeWords(shape: KeyShape): string {
  const chars = shape.chars === 'alnum' ? 'letters and digits' : 'letters, digits, - and _';
  const n = shape.max === shape.min ? `${shape.min}` : shape.max === undefined ? `${shape.min} or more` : `${shape.min} to ${shape.max}`;
  return `${n} ${chars}`;
}

function a(name: string): string {
  return /^[AEIOU]/i.test(name) ? 'an' : 'a';
}

function count(n: number): string {
  return `${n} character${n === 1 ? '' : 's'}`;
}

/** The sentence for a check, or null when there is nothing to say against the key. */
export function keyCheckMessage(provider: ProviderId, check: KeyCheck): string | null {
  const spec = PROVIDERS[provider];
  const name = spec.name;
  switch (check.kind) {
    case 'ok':
      return null;
    case 'empty':
      return spec.keyRequired ? `${name} needs a key.` : null;
    case 'inner-space':
      return 'The key has a space in the middle; paste it again as one piece.';
    case 'other-provider': {
      const other = PROVIDERS[check.provider].name;
      return `This looks like ${a(other)} ${other} key (it starts with ${check.prefix}), not ${a(name)} ${name} key.`;
    }
    case 'prefix':
      return `That does not look like ${a(name)} ${name} key: those start with ${check.expected.join(' or ')}${check.plain ? `, or are ${check.plain}` : ''}.`;
    case 'chars': {
      const allowed = check.allowed === 'alnum' ? 'letters and digits' : 'letters, digits, - and _';
      const found = check.dashOrUnderscoreOnly ? '- or _' : 'other characters';
      const start = check.prefix ? `It starts with ${check.prefix} as ${name} keys do, but after that` : 'That does not look right:';
      return `${start} ${a(name)} ${name} key has only ${allowed}; this one also has ${found}.`;
    }
    case 'length': {
      const after = check.prefix ? ` after ${check.prefix}` : '';
      const wanted =
        check.max === check.min ? `exactly ${check.min}` : check.count < check.min ? `at least ${check.min}` : `at most ${check.max ?? check.min}`;
      return `That does not look like ${a(name)} ${name} key: it has ${count(check.count)}${after}, where ${name} keys have ${wanted}.`;
    }
  }
}

/** Format check used as the user types and again before any save: the key normalized first. null when it looks right. */
export function checkKeyFormat(provider: ProviderId, secret: string): string | null {
  return keyCheckMessage(provider, classifyKey(provider, normalizePastedKey(secret)));
}
