/** The renderer is served from this privileged custom scheme, never from file:// or http. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/`;

/**
 * True when `url` belongs to the app origin exactly: same scheme and host, no port, no
 * credentials. Node's URL gives custom schemes an opaque `origin` ("null"), so the parts are
 * compared one by one instead of comparing `url.origin`.
 */
export function isSameOrigin(url: string, origin: string): boolean {
  const a = parse(url);
  const b = parse(origin);
  if (a === null || b === null) return false;
  if (a.username !== '' || a.password !== '') return false;
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  if (a.host === '') return false;
  return a.host.toLowerCase() === b.host.toLowerCase();
}

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
