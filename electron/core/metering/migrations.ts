import { AppError } from '../../../shared/contract/index.js';
import type { Db } from './db.js';
import { DAY_MS, isValidTimeZone, localDaySql, QUARTER_MS, zone } from './time-zone.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

/** Columns summed by every rollup; the same names in each table. */
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

/** The summed columns every rollup holds, in ROLLUP_SUMS order. */
export const SUM_NAMES: readonly string[] = ['calls', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nusd', 'unknown_cost_calls', 'cap_nusd', 'estimated_calls'];

/** The sums of ROLLUP_SUMS over settled calls rows, in ROLLUP_SUMS order (what the triggers add per call). */
const CALLS_SUMS = `COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
  SUM(reasoning_tokens), COALESCE(SUM(cost_nusd), 0), SUM(cost_nusd IS NULL),
  SUM(COALESCE(cost_nusd, reserved_nusd, 0)), SUM(estimated)`;

/** The calls columns a rollup row depends on: an UPDATE of any other column leaves the rollups alone. */
const ROLLUP_INPUTS = [
  'status', 'time', 'session_id', 'agent', 'provider', 'model', 'key_id', 'source',
  'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'estimated', 'cost_nusd', 'reserved_nusd',
].join(', ');

/**
 * Trigger statements adding (sign 1) or taking out (-1) one calls row R to every rollup, with the
 * sums the backfills compute (CALLS_SUMS). The local day comes from rollup_zone; a time it does not
 * cover gives NULL, which the NOT NULL day refuses: the statement fails rather than count a wrong day.
 * Part of migration 3 (as are CALLS_SUMS and ROLLUP_INPUTS): change them only in a new migration
 * that drops and recreates the triggers.
 */
function rollupUpserts(R: 'NEW' | 'OLD', sign: 1 | -1): string {
  const m = (e: string) => (sign === 1 ? e : `-(${e})`);
  const sums = [
    m('1'),
    m(`${R}.input_tokens`),
    m(`${R}.cache_read_tokens`),
    m(`${R}.cache_write_tokens`),
    m(`${R}.output_tokens`),
    m(`${R}.reasoning_tokens`),
    m(`COALESCE(${R}.cost_nusd, 0)`),
    m(`${R}.cost_nusd IS NULL`),
    m(`COALESCE(${R}.cost_nusd, ${R}.reserved_nusd, 0)`),
    m(`${R}.estimated`),
  ].join(', ');
  const errors = m(`${R}.status = 'error'`);
  const localDay = `(${R}.time + (SELECT offset_ms FROM rollup_zone WHERE from_ms <= ${R}.time ORDER BY from_ms DESC LIMIT 1)) / ${DAY_MS}`;
  const key = `COALESCE(${R}.key_id, '')`;
  const agent = `COALESCE(${R}.agent, '')`;
  const upsert = (table: string, keys: string[], values: string[], narrow: boolean) => {
    const columns = [...keys, ...SUM_NAMES, ...(narrow ? ['error_calls'] : [])];
    const update = columns.slice(keys.length).map((c) => `${c} = ${c} + excluded.${c}`);
    return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${[...values, sums, ...(narrow ? [errors] : [])].join(', ')})
      ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${update.join(', ')};`;
  };
  return [
    upsert('rollup_q', ['bucket', 'provider', 'model', 'key_id', 'agent', 'source', 'status'],
      [`${R}.time / ${QUARTER_MS}`, `${R}.provider`, `${R}.model`, key, agent, `${R}.source`, `${R}.status`], false),
    upsert('rollup_day', ['day', 'provider', 'model', 'key_id', 'source', 'status'],
      [localDay, `${R}.provider`, `${R}.model`, key, `${R}.source`, `${R}.status`], false),
    upsert('rollup_agent_day', ['day', 'agent'], [localDay, agent], true),
    upsert('rollup_session_day', ['day', 'session_id'], [`${R}.time / ${DAY_MS}`, `${R}.session_id`], true),
  ].join('\n');
}

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
  {
    version: 3,
    name: 'agent and conversation rollups, all rollups kept by triggers',
    up: (db) => {
      // rollup_agent_day: local days of the zone in kv 'rollup_day_tz' (like rollup_day) by agent alone.
      // rollup_session_day: UTC days by conversation; UTC so a change of zone never rebuilds it from calls.
      // The narrow two count errors in error_calls instead of carrying status in their key: one row
      // per agent or conversation and day.
      // rollup_zone: the UTC offsets of that zone (from_ms on, until the next row), so triggers can
      //   find a call's local day; the last row's NULL offset ends what is known (see Ledger.coverZone).
      db.exec(`
        CREATE TABLE rollup_agent_day (
          day INTEGER NOT NULL,
          agent TEXT NOT NULL,
          ${ROLLUP_SUMS},
          error_calls INTEGER NOT NULL,
          PRIMARY KEY (day, agent)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_session_day (
          day INTEGER NOT NULL,
          session_id TEXT NOT NULL,
          ${ROLLUP_SUMS},
          error_calls INTEGER NOT NULL,
          PRIMARY KEY (day, session_id)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_zone (from_ms INTEGER PRIMARY KEY, offset_ms INTEGER) WITHOUT ROWID;
        INSERT INTO rollup_session_day
          SELECT time / ${DAY_MS}, session_id, ${CALLS_SUMS}, SUM(status = 'error')
          FROM calls WHERE status <> 'reserved'
          GROUP BY 1, 2;
      `);
      // Without a zone yet, the ledger builds its local-day rollups when it first opens (ensureDayRollup).
      const tz = (db.prepare("SELECT value FROM kv WHERE key = 'rollup_day_tz'").get() as { value: string } | undefined)?.value;
      const range = db.prepare("SELECT (SELECT MIN(time) FROM calls) AS lo, (SELECT MAX(time) FROM calls) AS hi").get() as { lo: number | null; hi: number | null };
      if (tz && isValidTimeZone(tz) && range.lo !== null && range.hi !== null) {
        db.exec(`INSERT INTO rollup_agent_day
          SELECT ${localDaySql(zone(tz), 'time', range.lo, range.hi + 1)}, COALESCE(agent, ''), ${CALLS_SUMS}, SUM(status = 'error')
          FROM calls WHERE status <> 'reserved'
          GROUP BY 1, 2`);
      }
      // From here on SQLite keeps every rollup: a settled call counts once in each, in the statement
      // that settles it, and any later change or removal of a settled row is taken back out.
      db.exec(`
        CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls WHEN NEW.status <> 'reserved'
        BEGIN ${rollupUpserts('NEW', 1)} END;
        CREATE TRIGGER calls_rollup_unsettle AFTER UPDATE OF ${ROLLUP_INPUTS} ON calls WHEN OLD.status <> 'reserved'
        BEGIN ${rollupUpserts('OLD', -1)} END;
        CREATE TRIGGER calls_rollup_settle AFTER UPDATE OF ${ROLLUP_INPUTS} ON calls WHEN NEW.status <> 'reserved'
        BEGIN ${rollupUpserts('NEW', 1)} END;
        CREATE TRIGGER calls_rollup_delete AFTER DELETE ON calls WHEN OLD.status <> 'reserved'
        BEGIN ${rollupUpserts('OLD', -1)} END;
      `);
    },
  },
  {
    version: 4,
    name: 'power level and tool-loop step of each call',
    // Not rollup inputs: grouping by level reads the calls table, and the triggers stay as they are.
    up: (db) =>
      db.exec(`
        ALTER TABLE calls ADD COLUMN power_level TEXT;
        ALTER TABLE calls ADD COLUMN step INTEGER;
      `),
  },
  {
    version: 5,
    name: 'retry, key failover and fallback told apart',
    up: (db) => {
      // Until now every call after a turn's first pointed at the call before it in fallback_of. A
      // new chain entry starts again at attempt 1, so: attempt 1 was a fallback; a later attempt with
      // the same key a retry, with another key a key failover. None of these columns feeds a rollup.
      db.exec(`
        ALTER TABLE calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'first';
        ALTER TABLE calls ADD COLUMN retry_of TEXT;
        ALTER TABLE calls ADD COLUMN replaced_key_id TEXT;
        UPDATE calls SET kind = CASE
            WHEN attempt = 1 THEN 'fallback'
            WHEN key_id IS (SELECT p.key_id FROM calls AS p WHERE p.id = calls.fallback_of) THEN 'retry'
            ELSE 'key-failover' END
          WHERE fallback_of IS NOT NULL;
        UPDATE calls SET retry_of = fallback_of, fallback_of = NULL WHERE kind = 'retry';
        UPDATE calls SET replaced_key_id = (SELECT p.key_id FROM calls AS p WHERE p.id = calls.fallback_of), fallback_of = NULL
          WHERE kind = 'key-failover';
      `);
    },
  },
  {
    version: 6,
    name: 'provider-reported costs, 1-hour cache writes, overshoots',
    up: (db) =>
      // None of these columns feeds a rollup (ROLLUP_INPUTS), so the triggers of migration 3 stand.
      // cost_source: 'price' (tokens × the snapshot) or 'provider-reported'; price_cost_nusd is
      // tokens × the snapshot, the cross-check of a reported cost. Rows settled before this step
      // keep NULLs there and read as priced (toRecord): no upgrade rewrites a whole ledger.
      // overshoot_*: what a call used beyond its reservation; such calls close the limits they
      // count against until these reset (or the user changes them).
      db.exec(`
        ALTER TABLE calls ADD COLUMN cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN price_cache_write_1h REAL;
        ALTER TABLE calls ADD COLUMN cost_source TEXT;
        ALTER TABLE calls ADD COLUMN price_cost_nusd INTEGER;
        ALTER TABLE calls ADD COLUMN overshoot_tokens INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN overshoot_nusd INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX calls_overshoot ON calls(time) WHERE overshoot_tokens > 0 OR overshoot_nusd > 0;
      `),
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
