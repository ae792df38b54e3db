import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../electron/core/app/logger.js';
import { sendCsvDownload } from '../electron/core/metering/csv-response.js';
import type { CatalogService } from '../electron/core/catalog/catalog-service.js';
import type { ChangeFeed } from './db/change-feed.js';
import type { Db } from './db/pool.js';
import type { Members } from './team/members.js';
import type { TeamKeys } from './team/team-keys.js';
import type { TeamSettingsStore } from './team/team-settings.js';

/** Everything a route handler may use, built once per process by startTeamServer. */
export interface Services {
  db: Db;
  feed: ChangeFeed;
  settings: TeamSettingsStore;
  members: Members;
  keys: TeamKeys;
  catalog: CatalogService;
  logger: Logger;
  /** This process's id in the replicas table (its reservations carry it). */
  replicaId: string;
  /** Whether PostgreSQL knows the zone (it has its own time zone data). */
  validTimeZone(tz: string): Promise<boolean>;
  /** Resolves once the calls this process has answered are settled in the database: usage reads wait for it, so they include every answered call. */
  settled(): Promise<void>;
  /** When the current budget day and month end, in the team's time zone. */
  windows(): Promise<{ day: string; month: string }>;
  streamDownload(req: IncomingMessage, res: ServerResponse, download: { filename: string; chunks: AsyncIterable<string> }): Promise<void>;
}

export async function validTimeZone(db: Db, tz: string): Promise<boolean> {
  try {
    await db.query('SELECT now() AT TIME ZONE $1', [tz]);
    return true;
  } catch {
    return false;
  }
}

export async function budgetWindows(db: Db): Promise<{ day: string; month: string }> {
  const r = await db.query<{ day: Date; month: Date }>(/* sql */ `
    SELECT ((clock_timestamp() AT TIME ZONE time_zone)::date + 1)::timestamp AT TIME ZONE time_zone AS day,
           (date_trunc('month', clock_timestamp() AT TIME ZONE time_zone) + interval '1 month') AT TIME ZONE time_zone AS month
    FROM team WHERE id = 1`);
  const row = r.rows[0]!;
  return { day: row.day.toISOString(), month: row.month.toISOString() };
}

/** A CSV download, streamed with backpressure (the app's own helper, shared with the web host). */
export function streamDownload(req: IncomingMessage, res: ServerResponse, download: { filename: string; chunks: AsyncIterable<string> }, logger: Logger): Promise<void> {
  return sendCsvDownload(req, res, download, (err) => logger.error('download failed', { err }));
}
