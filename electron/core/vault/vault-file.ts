import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import { KeyOptions, KeyStatus, KeyTestResult, ProtectionKind, ProviderId } from '../../../shared/contract/index.js';

const Sealed = z.object({ iv: z.string(), ct: z.string(), tag: z.string() }).strict();

/** One saved key. Everything but `sealed` is plain metadata (no secret). */
export const StoredKey = z.object({
  id: z.string().min(1),
  provider: ProviderId,
  label: z.string(),
  last4: z.string(),
  baseUrl: z.string().nullable(),
  options: KeyOptions,
  createdAt: z.number(),
  updatedAt: z.number(),
  status: KeyStatus,
  lastTestedAt: z.number().optional(),
  lastUsedAt: z.number().optional(),
  lastTest: KeyTestResult.optional(),
  problem: z.string().optional(),
  /** null: the secret was lost with an old vault (reset) and must be entered again. */
  sealed: Sealed.nullable(),
});
export type StoredKey = z.infer<typeof StoredKey>;

export const VaultFileData = z.object({
  format: z.literal('switchboard-vault'),
  version: z.literal(1),
  /** Random per vault; part of every secret's AAD. */
  vaultId: z.string().min(8),
  createdAt: z.number(),
  wrappedKey: z.object({
    kind: ProtectionKind,
    backend: z.string(),
    blob: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
  /**
   * SHA-256 of the wrapped key record (wrappedKeyDigest()): an edit of the blob or its parameters
   * reads as damage, not as a wrong passphrase. Absent in files written before it was kept.
   */
  wrappedKeyDigest: z.string().optional(),
  /** In creation order (the failover order). */
  keys: z.array(StoredKey),
});
export type VaultFileData = z.infer<typeof VaultFileData>;

export type VaultFileRead =
  | { state: 'missing' }
  | { state: 'ok'; data: VaultFileData }
  | { state: 'unreadable'; reason: string };

export type ConfFactory = (options: ConstructorParameters<typeof Conf<Record<string, unknown>>>[0]) => Conf<Record<string, unknown>>;

export const VAULT_FILE_NAME = 'vault.json';

/** The checksum kept beside the wrapped key: its fields in a fixed order, params sorted by name. */
export function wrappedKeyDigest(w: VaultFileData['wrappedKey']): string {
  const params = w.params ? Object.keys(w.params).sort().map((k) => [k, w.params![k]]) : null;
  return createHash('sha256').update(JSON.stringify(['switchboard/wrapped-key/v1', w.kind, w.backend, w.blob, params])).digest('hex');
}

/**
 * The vault file `<dataDir>/vault.json`, written through `conf` (electron-store's base), which writes
 * atomically (temp file, fsync, rename) with mode 0600. A file this code cannot read is reported, never
 * replaced: only `backup()` moves it aside.
 */
export class VaultFile {
  readonly path: string;
  private conf: Conf<Record<string, unknown>> | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly createConf: ConfFactory = (o) => new Conf<Record<string, unknown>>(o),
  ) {
    this.path = join(dataDir, VAULT_FILE_NAME);
  }

  read(): VaultFileRead {
    if (!existsSync(this.path)) return { state: 'missing' };
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      return { state: 'unreadable', reason: `${VAULT_FILE_NAME} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); check its permissions.` };
    }
    if (text.trim() === '') return { state: 'unreadable', reason: `${VAULT_FILE_NAME} is damaged (it is empty).` };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { state: 'unreadable', reason: `${VAULT_FILE_NAME} is damaged (not valid JSON).` };
    }
    const rec = raw as { format?: unknown; version?: unknown };
    if (rec && rec.format === 'switchboard-vault' && typeof rec.version === 'number' && rec.version > 1) {
      return { state: 'unreadable', reason: `${VAULT_FILE_NAME} was written by a newer version of Switchboard.` };
    }
    const parsed = VaultFileData.safeParse(raw);
    if (!parsed.success) return { state: 'unreadable', reason: `${VAULT_FILE_NAME} is damaged (unexpected content).` };
    return { state: 'ok', data: parsed.data };
  }

  /** Atomic replace (temp, fsync, rename), mode 0600. Throws; the old file is then unchanged. */
  write(data: VaultFileData): void {
    this.conf ??= this.createConf({
      cwd: this.dataDir,
      configName: 'vault',
      configFileMode: 0o600,
      // Key ids and labels are data, not paths.
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
      watch: false,
    });
    this.conf.store = data as unknown as Record<string, unknown>;
  }

  /**
   * Overwrites the given base64 strings in the file where they stand (same length, so the JSON stays
   * valid), then fsyncs: the ciphertext of a deleted key is destroyed in the current file's blocks before
   * the atomic rewrite drops the record. Best effort against disk forensics (copy-on-write filesystems
   * and SSD wear levelling can keep old blocks); the rewrite is what removes the record.
   */
  scrub(values: string[]): void {
    if (!existsSync(this.path) || values.length === 0) return;
    const text = readFileSync(this.path);
    const fd = openSync(this.path, 'r+');
    try {
      for (const v of values) {
        if (v.length < 8) continue;
        const needle = Buffer.from(v, 'utf8');
        const filler = Buffer.alloc(needle.length, 'A'.charCodeAt(0));
        let at = text.indexOf(needle);
        while (at !== -1) {
          writeSync(fd, filler, 0, filler.length, at);
          at = text.indexOf(needle, at + needle.length);
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Undoes backup() when the new vault could not be written. */
  restoreBackup(backupPath: string): void {
    if (!existsSync(this.path)) renameSync(backupPath, this.path);
  }

  /** Moves the file aside (vault.backup-<time>.json) and returns the new path. */
  backup(now: number): string | null {
    if (!existsSync(this.path)) return null;
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    const target = join(this.dataDir, `vault.backup-${stamp}.json`);
    renameSync(this.path, target);
    return target;
  }
}
