import { randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs/atomic-file.js';

export const TOKEN_FILE = 'host-token';

/** A fresh random bearer token for this run, written atomically to `<dataDir>/host-token` with mode 0600. */
export function writeHostToken(dataDir: string): string {
  const token = randomBytes(32).toString('base64url');
  writeFileAtomic(join(dataDir, TOKEN_FILE), token + '\n');
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
