import { describe, expect, it } from 'vitest';
import {
  forgetToken,
  normalizePastedToken,
  parseTokenFromHash,
  takeToken,
  TOKEN_STORAGE_KEY,
  type HistoryLike,
  type TokenStorage,
} from '../../../renderer/src/bridge/token.js';

const TOKEN = 'Q2hhbmdlIG1lIHBsZWFzZSwgdGhpcyBpcyBhIHRva2Vu_-x';

class MemoryStorage implements TokenStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

class FakeHistory implements HistoryLike {
  urls: string[] = [];
  state = { keep: true };
  replaceState(_data: unknown, _unused: string, url?: string | null) {
    this.urls.push(url ?? '');
  }
}

describe('parseTokenFromHash', () => {
  it('reads the token and keeps other fragment parameters', () => {
    expect(parseTokenFromHash(`#token=${TOKEN}`)).toEqual({ token: TOKEN, rest: '' });
    expect(parseTokenFromHash(`#token=${TOKEN}&view=x`)).toEqual({ token: TOKEN, rest: '#view=x' });
    expect(parseTokenFromHash(`#a=1&token=${TOKEN}`)).toEqual({ token: TOKEN, rest: '#a=1' });
  });

  it('returns no token for empty, absent or implausible values', () => {
    expect(parseTokenFromHash('')).toEqual({ token: null, rest: '' });
    expect(parseTokenFromHash('#section')).toEqual({ token: null, rest: '#section' });
    expect(parseTokenFromHash('#token=')).toEqual({ token: null, rest: '' });
    expect(parseTokenFromHash('#token=short')).toEqual({ token: null, rest: '' });
    expect(parseTokenFromHash('#token=' + encodeURIComponent('<script>alert(1)</script>xxxxxxxx')).token).toBeNull();
  });
});

describe('normalizePastedToken', () => {
  it('accepts the token with the newline `cat` adds', () => {
    expect(normalizePastedToken(`${TOKEN}\n`)).toBe(TOKEN);
    expect(normalizePastedToken(`  ${TOKEN}  `)).toBe(TOKEN);
  });

  it('accepts the whole link and an Authorization header value', () => {
    expect(normalizePastedToken(`http://127.0.0.1:5178/#token=${TOKEN}`)).toBe(TOKEN);
    expect(normalizePastedToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(normalizePastedToken(`Authorization: Bearer ${TOKEN}`)).toBe(TOKEN);
  });

  it('refuses what is not a token', () => {
    expect(normalizePastedToken('')).toBeNull();
    expect(normalizePastedToken('hello')).toBeNull();
    expect(normalizePastedToken('two words that are long enough')).toBeNull();
  });
});

describe('takeToken', () => {
  it('moves a fragment token into storage and scrubs the address bar', () => {
    const storage = new MemoryStorage();
    const history = new FakeHistory();
    const token = takeToken({ pathname: '/settings/keys', search: '?x=1', hash: `#token=${TOKEN}` }, history, storage);
    expect(token).toBe(TOKEN);
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(history.urls).toEqual(['/settings/keys?x=1']);
  });

  it('uses the stored token after a reload, and a new link replaces it', () => {
    const storage = new MemoryStorage();
    storage.setItem(TOKEN_STORAGE_KEY, TOKEN);
    const history = new FakeHistory();
    expect(takeToken({ pathname: '/', search: '', hash: '' }, history, storage)).toBe(TOKEN);
    expect(history.urls).toEqual([]);
    const fresh = `${TOKEN}fresh`;
    expect(takeToken({ pathname: '/', search: '', hash: `#token=${fresh}` }, history, storage)).toBe(fresh);
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe(fresh);
  });

  it('works when storage is unavailable or throws', () => {
    const throwing: TokenStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(takeToken({ pathname: '/', search: '', hash: `#token=${TOKEN}` }, new FakeHistory(), throwing)).toBe(TOKEN);
    expect(takeToken({ pathname: '/', search: '', hash: '' }, new FakeHistory(), throwing)).toBeNull();
    expect(takeToken({ pathname: '/', search: '', hash: '' }, new FakeHistory(), null)).toBeNull();
    expect(() => forgetToken(throwing)).not.toThrow();
  });

  it('ignores a stored value that is not a token', () => {
    const storage = new MemoryStorage();
    storage.setItem(TOKEN_STORAGE_KEY, 'garbage value');
    expect(takeToken({ pathname: '/', search: '', hash: '' }, new FakeHistory(), storage)).toBeNull();
  });
});
