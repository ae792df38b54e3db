import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
// libsql: better-sqlite3's synchronous API over an N-API binding, so one binary serves Node and Electron.
import Database from 'libsql';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a SQLite file for the ledger: mode 0600 (SQLite gives the -wal and
 * -shm files the database file's mode), WAL so readers never block the writer.
 *
 * synchronous=NORMAL: in WAL mode a committed transaction survives a crash or kill of the app;
 * only an OS crash or power loss can drop the last few commits. FULL would fsync on every
 * reservation and settle, which costs more than the provider call it meters on slow disks.
 */
export function openDb(path: string): Db {
  if (path !== ':memory:') {
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    try {
      chmodSync(path, 0o600);
    } catch {
      // Windows has no POSIX modes; the data folder itself is private there.
    }
  }
  const db = new Database(path, { timeout: 5000 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    // Every commit appends its pages to the WAL; copying them back (checkpoint) every 1000 pages, the
    // default, costs about as much again as the commits. Checkpoint every ~32 MB instead, and keep
    // the file from growing past 64 MB afterwards.
    db.exec('PRAGMA wal_autocheckpoint = 8000');
    db.exec('PRAGMA journal_size_limit = 67108864');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA busy_timeout = 5000');
  } catch (err) {
    // A file that is not a database fails here: close it, so it can be moved aside (Windows keeps open files in place).
    db.close();
    throw err;
  }
  return db;
}

// Prepared statements by SQL text, per connection: the dashboard, the records page and the export
// ask the same few shapes again and again, and preparing costs more than a small query.
const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The statement for `sql` on `db`, prepared once and kept, in raw mode (rows as arrays, in the
 * order of the SELECT list): every caller reads them that way, so never switch one back.
 */
export function prepared(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= 500) cache.clear();
    stmt = db.prepare(sql).raw(true);
    cache.set(sql, stmt);
  }
  return stmt;
}

