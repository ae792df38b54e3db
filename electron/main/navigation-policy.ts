import { isSameOrigin } from './app-origin.js';

/**
 * - `allow`: stays inside the app (only meaningful for in-window navigation; window.open is
 *   always refused because the app never needs a second renderer window).
 * - `open-external`: a plain https link, handed to the user's browser, never loaded in the app.
 * - `deny`: everything else (http, file, javascript, data, custom schemes, credentials in the URL).
 */
export type NavigationDecision = 'allow' | 'open-external' | 'deny';

// Long URLs are a common carrier for smuggled payloads and no real link needs more.
const MAX_EXTERNAL_URL_LENGTH = 4096;

export function decideNavigation(url: string, appOrigin: string): NavigationDecision {
  if (typeof url !== 'string' || url.length === 0) return 'deny';
  if (isSameOrigin(url, appOrigin)) return 'allow';
  if (url.length > MAX_EXTERNAL_URL_LENGTH) return 'deny';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'deny';
  }
  if (parsed.protocol !== 'https:') return 'deny';
  // user:pass@host is used to disguise where a link goes ("https://bank.com@evil.example").
  if (parsed.username !== '' || parsed.password !== '') return 'deny';
  if (parsed.hostname === '') return 'deny';
  return 'open-external';
}
