import type { Db } from './pool.js';
import * as m001 from './migrations/001-team.js';
import * as m002 from './migrations/002-budgets.js';
import * as m003 from './migrations/003-synced-usage.js';
import * as m004 from './migrations/004-call-kinds.js';
import * as m005 from './migrations/005-lean-admit.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every schema change in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'team', sql: m001.sql },
  { version: 2, name: 'budgets', sql: m002.sql },
  { version: 3, name: 'synced usage', sql: m003.sql },
  { version: 4, name: 'call kinds', sql: m004.sql },
  { version: 5, name: 'lean admission', sql: m005.sql },
];

/** Session-level advisory lock held while migrating and creating the team ("sbteam" in ASCII). */
export const SETUP_LOCK = 0x7362_7465_616d;

/**
 * Brings the schema to the newest version. Several server processes may start at once against one
 * database: each takes the same advisory lock first, so one migrates while the others wait and then
 * find nothing left to do. Each migration runs in its own transaction with its version row.
 * `withLock` runs more setup (the team's creation) under the same lock before it is released.
 */
export async function migrate<T>(db: Db, withLock: () => Promise<T>, migrations: readonly Migration[] = MIGRATIONS): Promise<{ applied: number[]; value: T }> {
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const newest = Math.max(0, ...done);
      const known = Math.max(0, ...migrations.map((m) => m.version));
      if (newest > known) {
        throw new Error(`the database schema is at version ${newest}, newer than this server knows (${known}); run the newer server`);
      }
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
        applied.push(m.version);
      }
      const value = await withLock();
      return { applied, value };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SETUP_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
