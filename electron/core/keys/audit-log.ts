import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AuditEntry, type AuditEntry as AuditEntryValue } from '../../../shared/contract/index.js';
import type { FileNotices } from '../app/file-notices.js';
import { redactText } from '../app/logger.js';
import { makePrivateDir } from '../fs/private-dir.js';

export type AuditInput = Omit<AuditEntryValue, 'id' | 'time'>;

export interface AuditQuery {
  limit?: number;
  keyId?: string;
  provider?: string;
}

const ROTATE_AT_BYTES = 5 * 1024 * 1024;

/**
 * The audit log of credential operations: `<dataDir>/audit/keys.jsonl`, one JSON object per line,
 * appended and fsynced, mode 0600. Append-only JSON lines rather than SQLite: an audit trail should be
 * readable with any text tool, never rewritten in place, and must not depend on the ledger's database
 * being healthy; a line torn by a crash is skipped on read and cannot damage earlier entries. At 5 MiB
 * the file rolls over to keys.1.jsonl (one generation kept, so reads stay fast).
 *
 * Entries never hold a secret: `detail` is our own text, redacted again here as a second line of defence.
 */
export class AuditLog {
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly now: () => number,
    private readonly secrets: () => Iterable<string> = () => [],
    private readonly onWriteError: (err: unknown) => void = () => {},
  ) {
    this.path = join(dataDir, 'audit', 'keys.jsonl');
  }

  append(input: AuditInput): AuditEntryValue {
    const entry: AuditEntryValue = {
      id: randomUUID(),
      time: this.now(),
      action: input.action,
      ...(input.provider ? { provider: input.provider } : {}),
      ...(input.keyId ? { keyId: input.keyId } : {}),
      result: input.result,
      actor: redactText(input.actor, this.secrets()).slice(0, 200),
      ...(input.detail ? { detail: redactText(input.detail, this.secrets()).slice(0, 500) } : {}),
    };
    try {
      makePrivateDir(dirname(this.path));
      this.rotateIfLarge();
      const fresh = !existsSync(this.path);
      // A line torn by a crash (or damage) has no newline: start on a new line, or this entry would join it and be lost too.
      const torn = !fresh && !endsWithNewline(this.path);
      const fd = openSync(this.path, 'a', 0o600);
      try {
        if (fresh) chmodSync(this.path, 0o600);
        writeSync(fd, `${torn ? '\n' : ''}${JSON.stringify(entry)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      // Losing an audit line must not block the operation itself (deleting a leaked key above all).
      this.onWriteError(err);
    }
    return entry;
  }

  /**
   * Counts the lines of the log that cannot be read (a disk error, an edit) and reports them. Such
   * lines are skipped by read() and never rewritten: the file stays as it is, new entries follow.
   */
  checkAtStart(notices: FileNotices): void {
    for (const file of [this.path, this.rolledPath()]) {
      let text: string;
      try {
        if (!existsSync(file)) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        notices.report({ file: relativeName(file), problem: 'It could not be read; check its permissions.', outcome: 'Its entries are left out of the audit list; new entries are still recorded.' });
        continue;
      }
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const bad = lines.filter((l) => parseLine(l) === null).length;
      if (bad === 0) continue;
      notices.report({
        file: relativeName(file),
        problem: `${bad} of its ${lines.length} line${lines.length === 1 ? '' : 's'} could not be read (cut short or overwritten).`,
        outcome: `${bad === 1 ? 'That entry is' : 'Those entries are'} left out of the audit list; the file is kept as it is and new entries are added after ${bad === 1 ? 'it' : 'them'}.`,
      });
    }
  }

  /** Newest first. */
  read(query: AuditQuery = {}): AuditEntryValue[] {
    const limit = query.limit ?? 500;
    const out: AuditEntryValue[] = [];
    for (const file of [this.path, this.rolledPath()]) {
      if (!existsSync(file)) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
        const line = lines[i]!.trim();
        if (!line) continue;
        const e = parseLine(line);
        if (e === null) continue;
        if (query.keyId && e.keyId !== query.keyId) continue;
        if (query.provider && e.provider !== query.provider) continue;
        out.push(e);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  private rolledPath(): string {
    return this.path.replace(/\.jsonl$/, '.1.jsonl');
  }

  private rotateIfLarge(): void {
    try {
      if (existsSync(this.path) && statSync(this.path).size >= ROTATE_AT_BYTES) renameSync(this.path, this.rolledPath());
    } catch {
      // Keep appending to the big file rather than lose entries.
    }
  }
}

/** One entry, or null for a line that is not one (torn by a crash, damaged, edited). */
function parseLine(line: string): AuditEntryValue | null {
  try {
    const parsed = AuditEntry.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** "audit/keys.jsonl": how notices name the log, relative to the data folder. */
function relativeName(file: string): string {
  return `audit/${basename(file)}`;
}

/** Whether a non-empty file ends with a newline (an empty one counts as ending cleanly). */
function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
