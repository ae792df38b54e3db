import { useSyncExternalStore } from 'react';

/**
 * The owner's (or an admin's) token for this tab. Typed into the sign-in form, kept in sessionStorage
 * (gone when the tab closes), never put in the address: a URL ends up in history, logs and referrers.
 */
const KEY = 'switchboard-team-admin-token';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

let token: string | null = read();

export function signIn(next: string): void {
  token = next;
  try {
    sessionStorage.setItem(KEY, next);
  } catch {
    // private mode: the token lives in memory for this page only
  }
  listeners.forEach((l) => l());
}

export function signOut(): void {
  token = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
  listeners.forEach((l) => l());
}

export function currentToken(): string | null {
  return token;
}

export function useToken(): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => token,
  );
}
