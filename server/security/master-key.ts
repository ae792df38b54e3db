import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileOnce } from '../fs/exclusive-file.js';

export const MASTER_KEY_FILE = 'master-key';
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export interface MasterKey {
  readonly key: Buffer;
  /** A short public digest naming this key (stored with the team), never the key itself. */
  readonly id: string;
  /** Where it came from, for the start-up line. */
  readonly source: 'file' | 'generated' | 'data-dir';
}

/**
 * The master key sealing the team's provider keys: 32 random bytes as 64 hex characters (a trailing
 * newline ignored), read from --master-key-file or SWITCHBOARD_MASTER_KEY_FILE; without either, the
 * one in `<dataDir>/master-key`, generated (mode 0600) on the first start. It is never written to the
 * database: a stolen database dump without this file opens no key.
 */
export function loadMasterKey(dataDir: string, file: string | undefined): MasterKey {
  if (file) return { ...parse(readKeyFile(file), file), source: 'file' };
  const path = join(dataDir, MASTER_KEY_FILE);
  const made = createFileOnce(path, randomBytes(32).toString('hex') + '\n');
  return { ...parse(made.content, path), source: made.created ? 'generated' : 'data-dir' };
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the master key file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function parse(text: string, where: string): { key: Buffer; id: string } {
  const hex = text.replace(/\r?\n$/, '');
  if (!HEX_KEY.test(hex)) {
    throw new Error(`the master key in ${where} must be 64 hexadecimal characters (32 random bytes), like the output of "openssl rand -hex 32"`);
  }
  const key = Buffer.from(hex, 'hex');
  return { key, id: masterKeyId(key) };
}

export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('switchboard/team/master-key-id/v1').digest('hex').slice(0, 16);
}
