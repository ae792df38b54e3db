import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TeamMember, TeamModelRef } from '../../../shared/contract/index.js';
import type { FileNotices } from '../app/file-notices.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';
import { TeamMe } from './team-client.js';

/*
 * What the app remembers of its team connection, in two small files of the data folder, each written
 * atomically (temp, fsync, rename; mode 0600). Neither holds the member token: that is sealed in the
 * vault. `team.json` is the connection and the server's last answers (so the picker and Settings →
 * Team still show the team while it is offline); `team-sync.json` is the upload cursor, rewritten
 * after every acknowledged batch.
 */

export const TEAM_FILE = 'team.json';
export const SYNC_FILE = 'team-sync.json';

export const TeamSnapshot = z.object({
  me: TeamMe.nullable(),
  defaultModel: TeamModelRef.nullable(),
  allowedModels: z.array(TeamModelRef),
  /** When /api/me last answered. */
  checkedAt: z.number().nullable(),
});
export type TeamSnapshot = z.infer<typeof TeamSnapshot>;

export const TeamConnection = z.object({
  version: z.literal(1),
  /** Random per connect: binds the sync cursor to this connection. */
  connectionId: z.string().min(8),
  url: z.string(),
  member: TeamMember,
  tokenLast4: z.string(),
  connectedAt: z.number(),
  /** Sent with every upload, so the server can tell this installation's batches apart. */
  deviceId: z.string().min(8),
  snapshot: TeamSnapshot,
});
export type TeamConnection = z.infer<typeof TeamConnection>;

const SeqRange = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

export const SyncCursor = z.object({
  version: z.literal(1),
  connectionId: z.string().min(8),
  sharing: z.boolean(),
  /**
   * Every own call with ledger seq ≤ ackedSeq has been acknowledged by the server, or is not to be
   * shared. The cursor only moves forward, after the server's answer, so a crash mid-upload replays
   * the batch (the server counts a record id once) and never skips one.
   */
  ackedSeq: z.number().int().nonnegative(),
  /** Seq ranges (inclusive) of calls made while sharing was off: never uploaded. */
  skip: z.array(SeqRange),
  /** While sharing is off: the first seq made while it is off. */
  offFromSeq: z.number().int().nonnegative().nullable(),
  /** Records acknowledged since this connection began. */
  uploaded: z.number().int().nonnegative(),
  lastSyncAt: z.number().nullable(),
});
export type SyncCursor = z.infer<typeof SyncCursor>;

/** Where a damaged team file is reported, and the clock that names the copy set aside. */
export interface DamagedFileContext {
  notices: FileNotices;
  now: () => number;
}

export class TeamFiles {
  readonly teamPath: string;
  readonly syncPath: string;

  constructor(
    private readonly dataDir: string,
    private readonly damage: DamagedFileContext,
  ) {
    this.teamPath = join(dataDir, TEAM_FILE);
    this.syncPath = join(dataDir, SYNC_FILE);
  }

  readConnection(): TeamConnection | null {
    return readJsonOrSetAside(this.dataDir, TEAM_FILE, TeamConnection, { ...this.damage, outcome: 'Switchboard is not connected to a team server; connect again under Settings, Team (your own keys and usage are untouched).' });
  }

  writeConnection(c: TeamConnection): void {
    saveFileAtomic(this.teamPath, `${JSON.stringify(c, null, 2)}\n`, { what: 'The team connection', kept: 'the previous one is kept' });
  }

  readCursor(): SyncCursor | null {
    return readJsonOrSetAside(this.dataDir, SYNC_FILE, SyncCursor, { ...this.damage, outcome: 'Usage upload starts again from the beginning; the team server counts each call once, so nothing is counted twice.' });
  }

  writeCursor(c: SyncCursor): void {
    saveFileAtomic(this.syncPath, `${JSON.stringify(c)}\n`, { what: 'The team sync progress', kept: 'the previous progress is kept' });
  }

  /** Forgets the connection and its cursor (disconnect). */
  clear(): void {
    for (const p of [this.teamPath, this.syncPath]) if (existsSync(p)) rmSync(p, { force: true });
  }
}
