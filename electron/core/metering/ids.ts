import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): 48-bit milliseconds, then random bits. Ledger ids sort by time, so the
 * unique index on them grows at its end instead of touching a random page on every insert.
 *
 * Built from a v4 UUID (randomUUID draws from a cached entropy pool, far cheaper than randomBytes
 * per id): its first 48 bits become the time and its version nibble a 7; its variant bits already
 * are RFC 9562's, and the 74 bits left are random.
 */
export function uuidv7(now: number = Date.now()): string {
  const ms = Math.max(0, Math.min(Math.floor(now), 0xffff_ffff_ffff));
  const t = ms.toString(16).padStart(12, '0');
  const r = randomUUID();
  // r: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(15)}`;
}
