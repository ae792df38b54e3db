import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../electron/core/fs/atomic-file.js';
import type { Db } from '../db/pool.js';
import type { MasterKey } from '../security/master-key.js';
import { newToken, tokenHash } from '../security/tokens.js';

export const OWNER_TOKEN_FILE = 'owner-token';

export interface TeamIdentity {
  uid: string;
  /** This process created the team (and wrote the owner token). */
  created: boolean;
}

/**
 * The team row, created on the first start against an empty database together with its owner and
 * the owner's token, written to `<dataDir>/owner-token` (mode 0600). Runs under the setup advisory
 * lock, so of several processes starting at once exactly one creates the team and writes the token.
 * The token file is written before the transaction commits and removed if the commit fails: a team
 * never exists without its owner token having been written.
 */
export async function ensureTeam(db: Db, dataDir: string, master: MasterKey): Promise<TeamIdentity> {
  const found = await db.query<{ uid: string; master_key_id: string }>('SELECT uid, master_key_id FROM team WHERE id = 1');
  const row = found.rows[0];
  if (row) {
    if (row.master_key_id !== master.id) {
      throw new Error(
        `this database's team keys are sealed with another master key (id ${row.master_key_id}); this process has ${master.id}. Give every server process the same --master-key-file.`,
      );
    }
    return { uid: row.uid, created: false };
  }
  const uid = randomUUID();
  const ownerId = randomUUID();
  const token = newToken();
  const file = join(dataDir, OWNER_TOKEN_FILE);
  const client = await db.connect();
  let wrote = false;
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO team (id, uid, master_key_id) VALUES (1, $1, $2)', [uid, master.id]);
    await client.query("INSERT INTO budget_counters (scope, subject, window_start) VALUES ('team_month_usd', '', DATE '1970-01-01')");
    await client.query("INSERT INTO members (id, name, role) VALUES ($1, 'Owner', 'owner')", [ownerId]);
    await client.query('INSERT INTO member_tokens (id, member_id, hash) VALUES ($1, $2, $3)', [randomUUID(), ownerId, tokenHash(token)]);
    await client.query("INSERT INTO audit_log (actor, action, subject) VALUES ($1, 'team.created', $2)", [ownerId, uid]);
    writeFileAtomic(file, token + '\n');
    wrote = true;
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if (wrote) rmSync(file, { force: true });
    throw err;
  } finally {
    client.release();
  }
  return { uid, created: true };
}
