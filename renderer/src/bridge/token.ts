/**
 * The web host's bearer token. The start script opens `http://127.0.0.1:<port>/#token=<token>`:
 * a fragment never reaches the server or a Referer header. We move it to sessionStorage (it survives
 * a reload of this tab, and dies with it) and take it out of the address bar.
 */

export const TOKEN_STORAGE_KEY = 'switchboard.hostToken';

/** The subset of Storage we use, so this stays testable without a DOM. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

// The host writes randomBytes(32) as base64url (43 characters); allow some slack for other hosts.
const TOKEN_PATTERN = /^[A-Za-z0-9_~.+/=-]{16,512}$/;

export function isPlausibleToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export interface HashToken {
  token: string | null;
  /** The fragment without the token parameter ('' when nothing else was there). */
  rest: string;
}

/** Reads `token=` from a location fragment such as `#token=abc` or `#token=abc&x=1`. */
export function parseTokenFromHash(hash: string): HashToken {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body === '') return { token: null, rest: '' };
  const params = new URLSearchParams(body);
  const raw = params.get('token');
  if (raw === null) return { token: null, rest: hash };
  params.delete('token');
  const restBody = params.toString();
  const token = raw.trim();
  return { token: token !== '' && isPlausibleToken(token) ? token : null, rest: restBody === '' ? '' : `#${restBody}` };
}

/**
 * Accepts what people paste: the bare token (with a trailing newline from `cat`), the whole link
 * printed by the start script, or an `Authorization: Bearer …` value. null when it is none of these.
 */
export function normalizePastedToken(input: string): string | null {
  let value = input.trim();
  if (value === '') return null;
  const hashAt = value.indexOf('#');
  if (hashAt >= 0) {
    const fromHash = parseTokenFromHash(value.slice(hashAt)).token;
    if (fromHash) return fromHash;
  }
  value = value.replace(/^authorization:\s*/i, '').replace(/^bearer\s+/i, '').trim();
  return isPlausibleToken(value) ? value : null;
}

export interface LocationLike {
  pathname: string;
  search: string;
  hash: string;
}

export interface HistoryLike {
  replaceState(data: unknown, unused: string, url?: string | null): void;
  readonly state: unknown;
}

/**
 * Startup: a token in the fragment wins (a fresh link from the start script replaces an old token),
 * then the one kept for this tab. The fragment is always scrubbed from the address bar.
 */
export function takeToken(location: LocationLike, history: HistoryLike, storage: TokenStorage | null): string | null {
  const { token, rest } = parseTokenFromHash(location.hash);
  if (rest !== location.hash) {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest}`);
  }
  if (token) {
    safeSet(storage, token);
    return token;
  }
  return safeGet(storage);
}

export function storeToken(storage: TokenStorage | null, token: string): void {
  safeSet(storage, token);
}

export function forgetToken(storage: TokenStorage | null): void {
  try {
    storage?.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    /* storage disabled: nothing was kept */
  }
}

function safeGet(storage: TokenStorage | null): string | null {
  try {
    const value = storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    return value !== null && isPlausibleToken(value) ? value : null;
  } catch {
    return null;
  }
}

function safeSet(storage: TokenStorage | null, token: string): void {
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    /* storage disabled (private mode): the token lives only in memory for this page */
  }
}
