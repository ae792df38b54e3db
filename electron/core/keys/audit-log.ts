import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuditEntry, type AuditEntry as AuditEntryValue } from '../../../shared/contract/index.js';
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
      const fd = openSync(this.path, 'a', 0o600);
      try {
        if (fresh) chmodSync(this.path, 0o600);
        writeSync(fd, `${JSON.stringify(entry)}\n`);
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
        let parsed;
        try {
          parsed = AuditEntry.safeParse(JSON.parse(line));
        } catch {
          continue;
        }
        if (!parsed.success) continue;
        const e = parsed.data;
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
