import { AppError } from '../../../shared/contract/index.js';
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

/** Columns summed by both rollups; the same names in both tables. */
export const ROLLUP_SUMS = `
  calls INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_nusd INTEGER NOT NULL,
  unknown_cost_calls INTEGER NOT NULL,
  cap_nusd INTEGER NOT NULL,
  estimated_calls INTEGER NOT NULL`;

/**
 * The ledger's schema history. Never edit a migration that has shipped: add the next one.
 *
 * Money is INTEGER nano-USD (see shared/cost.ts). `cap_nusd` is what a call counts against USD
 * limits: its cost, or when the cost is unknown its worst-case reservation, or 0.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'calls ledger',
    up: (db) =>
      db.exec(`
        CREATE TABLE calls (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          time INTEGER NOT NULL,
          session_id TEXT NOT NULL,
          agent TEXT,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          key_id TEXT,
          source TEXT NOT NULL,
          status TEXT NOT NULL,
          error_code TEXT,
          input_tokens INTEGER NOT NULL DEFAULT 0,
          cache_read_tokens INTEGER NOT NULL DEFAULT 0,
          cache_write_tokens INTEGER NOT NULL DEFAULT 0,
          output_tokens INTEGER NOT NULL DEFAULT 0,
          reasoning_tokens INTEGER NOT NULL DEFAULT 0,
          estimated INTEGER NOT NULL DEFAULT 0,
          cost_nusd INTEGER,
          priced INTEGER NOT NULL DEFAULT 0,
          price_input REAL,
          price_output REAL,
          price_cache_read REAL,
          price_cache_write REAL,
          price_tiers TEXT,
          prompt_estimate INTEGER NOT NULL,
          max_output_tokens INTEGER NOT NULL,
          reserved_tokens INTEGER NOT NULL,
          reserved_nusd INTEGER,
          latency_ms INTEGER,
          ttft_ms INTEGER,
          attempt INTEGER NOT NULL DEFAULT 1,
          fallback_of TEXT,
          settled_at INTEGER
        );
        CREATE INDEX calls_time ON calls(time);
        CREATE INDEX calls_session ON calls(session_id, time);
        CREATE INDEX calls_open ON calls(status) WHERE status = 'reserved';
        CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `),
  },
  {
    version: 2,
    name: 'usage rollups',
    up: (db) => {
      // 15-minute UTC quarters: every UTC offset in use is a multiple of 15 minutes, so any time
      // zone's days are unions of quarters. NULL key/agent are stored as '' so they can be keys.
      db.exec(`
        CREATE TABLE rollup_q (
          bucket INTEGER NOT NULL,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          key_id TEXT NOT NULL,
          agent TEXT NOT NULL,
          source TEXT NOT NULL,
          status TEXT NOT NULL,
          ${ROLLUP_SUMS},
          PRIMARY KEY (bucket, provider, model, key_id, agent, source, status)
        ) WITHOUT ROWID;
        -- Local days in the zone recorded in kv 'rollup_day_tz' (the limits time zone); rebuilt when it changes.
        CREATE TABLE rollup_day (
          day INTEGER NOT NULL,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          key_id TEXT NOT NULL,
          source TEXT NOT NULL,
          status TEXT NOT NULL,
          ${ROLLUP_SUMS},
          PRIMARY KEY (day, provider, model, key_id, source, status)
        ) WITHOUT ROWID;
        INSERT INTO rollup_q
          SELECT time / 900000, provider, model, COALESCE(key_id, ''), COALESCE(agent, ''), source, status,
                 COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
                 SUM(reasoning_tokens), COALESCE(SUM(cost_nusd), 0), SUM(cost_nusd IS NULL),
                 SUM(COALESCE(cost_nusd, reserved_nusd, 0)), SUM(estimated)
          FROM calls WHERE status <> 'reserved'
          GROUP BY 1, 2, 3, 4, 5, 6, 7;
      `);
    },
  },
];

/**
 * Brings the database to the newest schema. Each migration runs in its own transaction together
 * with its schema_version row, so a failure leaves the database exactly as the previous one left it.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const from = currentVersion(db);
  const newest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  if (from > newest) {
    throw new AppError(
      'INTERNAL',
      `The usage ledger was written by a newer version of Switchboard (schema ${from}, this version knows ${newest}). Update Switchboard to open it.`,
    );
  }
  const insertVersion = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= from) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      m.up(db);
      insertVersion.run(m.version, m.name, Date.now());
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new AppError('INTERNAL', `Updating the usage ledger failed at step ${m.version} (${m.name}); it was left unchanged.`, {
        cause: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return { from, to: currentVersion(db) };
}

export function currentVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}
