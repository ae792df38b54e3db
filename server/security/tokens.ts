import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every member token, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'sbt_';

/** A new member token: 256 random bits, shown once to whoever created it. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the token. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return m?.[1] ?? null;
}
