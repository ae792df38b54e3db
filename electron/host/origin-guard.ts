/**
 * The host listens on loopback only, but a web page the user visits can still reach loopback.
 * The Host check defeats DNS rebinding (a hostile name resolving to 127.0.0.1) and the Origin
 * check refuses cross-site requests before the token is even looked at.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  return hostHeader !== undefined && allowedHosts(port).has(hostHeader.toLowerCase());
}

export function originAllowed(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true; // same-origin GETs and non-browser clients send none
  for (const host of allowedHosts(port)) if (originHeader.toLowerCase() === `http://${host}`) return true;
  return false;
}
