import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLogger, type Logger } from '../../../electron/core/app/logger.js';
import { MemoryKeyWrapper } from '../../../electron/core/vault/memory-wrapper.js';
import type { ScryptParams } from '../../../electron/core/vault/passphrase-wrapper.js';
import { Vault, type VaultOptions } from '../../../electron/core/vault/vault.js';
import type { KeyWrapper } from '../../../electron/core/vault/key-wrapper.js';

/** The cheapest scrypt the passphrase wrapper accepts, so tests stay quick. */
export const FAST_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

/** A keyring that works (the same instance stands for the same keyring after a restart). */
export function keyring(backend = 'gnome_libsecret'): MemoryKeyWrapper {
  return new MemoryKeyWrapper({ kind: 'os-keychain', backend, persistent: true });
}

/** Linux without a keyring: Electron would use its built-in fixed key. */
export function weakKeyring(backend = 'basic_text'): MemoryKeyWrapper {
  return new MemoryKeyWrapper({
    kind: 'os-keychain',
    backend,
    persistent: true,
    weakReason: 'No system keyring is in use (Linux backend: basic_text).',
  });
}

export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }), lines };
}

export interface OpenOpts {
  osKeyWrapper?: KeyWrapper;
  passphrase?: string;
  onDecryptFailed?: VaultOptions['onDecryptFailed'];
  file?: VaultOptions['file'];
}

export function openVault(dataDir: string, o: OpenOpts = {}): Promise<Vault> {
  let t = 1_700_000_000_000;
  return Vault.open({
    dataDir,
    logger: captureLogger().logger,
    now: () => (t += 1000),
    scrypt: FAST_SCRYPT,
    ...o,
  });
}

let seq = 0;
export function meta(provider: 'openai' | 'anthropic' | 'gemini' = 'openai') {
  seq += 1;
  return {
    id: `key_test_${seq}`,
    provider,
    label: `test ${seq}`,
    baseUrl: null,
    options: {},
    createdAt: seq,
    updatedAt: seq,
    status: 'untested' as const,
  };
}

export function fileBytes(path: string): Buffer {
  return readFileSync(path);
}

export function fakeSecret(prefix = 'sk-test-'): string {
  return prefix + randomBytes(16).toString('hex');
}
