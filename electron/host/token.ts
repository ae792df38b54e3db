import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'host-token';

/** A fresh random bearer token for this run, written atomically to `<dataDir>/host-token` with mode 0600. */
export function writeHostToken(dataDir: string): string {
  const token = randomBytes(32).toString('base64url');
  const path = join(dataDir, TOKEN_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, token + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The mode given to open() is masked by umask; make sure no one else can read it.
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return token;
}

/** Constant-time comparison of the Authorization header with the token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
