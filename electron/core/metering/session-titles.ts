import type { FileNotices } from '../app/file-notices.js';
import { redactText, type Logger } from '../app/logger.js';
import { setAside } from '../fs/set-aside.js';
import { openDb, prepared, type Db } from './db.js';

/**
 * Conversation titles for the CSV export. The renderer owns conversations (IndexedDB) and reports
 * each title when it is created, renamed or deleted (usage.setSessionTitles). Kept in their own
 * small SQLite file beside the ledger (session-titles.db), so the ledger's schema and migrations are
 * untouched, and read per export page (the page's session ids only), so an export's memory stays at
 * one page whatever the number of conversations.
 */
export class SessionTitles {
  private readonly upsert;
  private readonly remove;

  private constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS session_titles (
      session_id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.upsert = db.prepare('INSERT INTO session_titles (session_id, title, updated_at) VALUES (?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at');
    this.remove = db.prepare('DELETE FROM session_titles WHERE session_id = ?');
  }

  static open(path: string): SessionTitles {
    return new SessionTitles(openDb(path));
  }

  /** Saves titles (null forgets one: the conversation was deleted). Key-shaped text a title picked up is redacted. */
  set(titles: ReadonlyArray<{ sessionId: string; title: string | null }>, now: number): number {
    const write = this.db.transaction(() => {
      for (const t of titles) {
        const title = t.title === null ? '' : redactText(t.title.trim(), []);
        if (title === '') this.remove.run(t.sessionId);
        else this.upsert.run(t.sessionId, title, now);
      }
    });
    write();
    return titles.length;
  }

  /** The titles of these sessions (those known). */
  lookup(sessionIds: Iterable<string>): Map<string, string> {
    const ids = [...new Set(sessionIds)];
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    const rows = prepared(this.db, 'SELECT session_id, title FROM session_titles WHERE session_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Array<[string, string]>;
    for (const [id, title] of rows) out.set(id, title);
    return out;
  }

  close(): void {
    this.db.close();
  }
}

export const SESSION_TITLES_FILE = 'session-titles.db';

/**
 * Opens session-titles.db; titles only label CSV rows, so a damaged file never stops metering: it is
 * set aside (`session-titles.db.damaged-<time>`), a new one is started and the notice says so. If even
 * a new file cannot be made, the CSV goes without titles (null) and the notice says that.
 */
export function openSessionTitles(path: string, o: { notices?: FileNotices | undefined; logger: Pick<Logger, 'warn'>; now: () => number }): SessionTitles | null {
  try {
    return SessionTitles.open(path);
  } catch (first) {
    const problem = first instanceof Error ? first.message : String(first);
    let keptAs: string | null = null;
    try {
      keptAs = setAside(path, o.now());
      for (const suffix of ['-wal', '-shm', '-journal']) setAside(path + suffix, o.now());
      const fresh = SessionTitles.open(path);
      o.notices?.report({
        file: SESSION_TITLES_FILE,
        problem: `It could not be opened (${problem}).`,
        outcome: 'Conversation titles in the CSV export start again from the conversations you open; usage, limits and keys are untouched.',
        ...(keptAs ? { keptAs } : {}),
      });
      return fresh;
    } catch (second) {
      o.logger.warn('conversation titles for the CSV are unavailable', { err: second });
      o.notices?.report({
        file: SESSION_TITLES_FILE,
        problem: `It could not be opened (${problem}).`,
        outcome: 'The CSV export leaves session_title empty until the file can be written; usage, limits and keys are untouched.',
        ...(keptAs ? { keptAs } : {}),
      });
      return null;
    }
  }
}
