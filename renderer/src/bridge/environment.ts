import { PRELOAD_GLOBAL, type PreloadApi } from '../../../shared/contract/index.js';
import { takeToken, type TokenStorage } from './token.js';

/** The preload's API when running inside Electron, else null. */
export function preloadApi(): PreloadApi | null {
  const candidate = (window as unknown as Record<string, unknown>)[PRELOAD_GLOBAL];
  if (typeof candidate === 'object' && candidate !== null && (candidate as PreloadApi).transport === 'electron') {
    return candidate as PreloadApi;
  }
  return null;
}

export function tokenStorage(): TokenStorage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Reads (and scrubs) the token from the URL fragment, else the one kept for this tab. */
export function startupToken(): string | null {
  return takeToken(window.location, window.history, tokenStorage());
}
