/**
 * The team server's address as the app keeps it: origin plus any path prefix a reverse proxy adds,
 * without a trailing slash. A member often pastes the OpenAI base URL (`…/v1`) or an API path; those
 * tails are dropped, so the same server is reached either way.
 */
export function normalizeTeamUrl(input: string): string {
  const u = new URL(input.trim());
  u.hash = '';
  u.search = '';
  let path = u.pathname.replace(/\/+$/, '');
  path = path.replace(/\/(v1|api(\/me)?|admin)$/i, '');
  return `${u.origin}${path}`;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Plain http to another machine: the member token and usage would cross the network unencrypted. */
export function isInsecureTeamUrl(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && !LOOPBACK.test(u.hostname);
}

/** "team.example.com" / "127.0.0.1:8787", for messages. */
export function teamHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the team server';
  }
}
