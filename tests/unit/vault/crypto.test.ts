import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newDataKey, open, seal, SealError, secretAad } from '../../../electron/core/vault/crypto.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, keyring, meta, openVault } from './support.js';

describe('secret sealing (AES-256-GCM)', () => {
  const key = newDataKey();
  const aad = secretAad('vault1', 'key_a', 'openai');

  it('opens what it sealed', () => {
    const blob = seal(key, Buffer.from('sk-test-secret'), aad);
    expect(open(key, blob, aad).toString()).toBe('sk-test-secret');
  });

  it('refuses a blob under another record, provider or vault (AAD binding)', () => {
    const blob = seal(key, Buffer.from('sk-test-secret'), aad);
    expect(() => open(key, blob, secretAad('vault1', 'key_b', 'openai'))).toThrow(SealError);
    expect(() => open(key, blob, secretAad('vault1', 'key_a', 'anthropic'))).toThrow(SealError);
    expect(() => open(key, blob, secretAad('vault2', 'key_a', 'openai'))).toThrow(SealError);
  });

  it('refuses a tampered ciphertext, tag or IV, and the wrong key', () => {
    const blob = seal(key, Buffer.from('sk-test-secret-long-enough'), aad);
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[0] = (b[0] ?? 0) ^ 1;
      return b.toString('base64');
    };
    expect(() => open(key, { ...blob, ct: flip(blob.ct) }, aad)).toThrow(SealError);
    expect(() => open(key, { ...blob, tag: flip(blob.tag) }, aad)).toThrow(SealError);
    expect(() => open(key, { ...blob, iv: flip(blob.iv) }, aad)).toThrow(SealError);
    expect(() => open(newDataKey(), blob, aad)).toThrow(SealError);
  });

  it('uses a fresh 12-byte IV every time', () => {
    const ivs = new Set<string>();
    const cts = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const blob = seal(key, Buffer.from('same plaintext'), aad);
      expect(Buffer.from(blob.iv, 'base64')).toHaveLength(12);
      ivs.add(blob.iv);
      cts.add(blob.ct);
    }
    expect(ivs.size).toBe(500);
    expect(cts.size).toBe(500);
  });

  it('uses a random 32-byte data key per vault', () => {
    expect(newDataKey()).toHaveLength(32);
    expect(newDataKey().equals(newDataKey())).toBe(false);
  });
});

describe('a blob moved to another record in the vault file', () => {
  it('fails authentication for that key only, is reported, and the other keys keep working', async () => {
    const dir = tempDir();
    try {
      const ring = keyring();
      const v1 = await openVault(dir.path, { osKeyWrapper: ring });
      const a = meta();
      const b = meta();
      const secretA = fakeSecret();
      const secretB = fakeSecret();
      v1.add(a, secretA);
      v1.add(b, secretB);
      v1.close();

      // An attacker with write access to the file copies A's ciphertext into B's record.
      const path = join(dir.path, 'vault.json');
      const file = JSON.parse(readFileSync(path, 'utf8'));
      file.keys[1].sealed = file.keys[0].sealed;
      writeFileSync(path, JSON.stringify(file));

      const failed: string[] = [];
      const v2 = await openVault(dir.path, { osKeyWrapper: ring, onDecryptFailed: (r) => failed.push(r.id) });
      expect(failed).toEqual([b.id]);
      expect(v2.reveal(a.id)).toBe(secretA);
      expect(v2.get(b.id)?.blocked?.status).toBe('needs-reentry');
      expect(v2.get(b.id)?.blocked?.problem).toMatch(/re-enter this key/);
      expect(() => v2.reveal(b.id)).toThrow(expect.objectContaining({ code: 'KEY_NEEDS_REENTRY' }));
      // Re-entering the key repairs it.
      const fresh = fakeSecret();
      v2.update(b.id, {}, fresh);
      expect(v2.reveal(b.id)).toBe(fresh);
      v2.close();
    } finally {
      dir.cleanup();
    }
  });

  it('a tampered ciphertext on disk blocks that key with "re-enter this key"', async () => {
    const dir = tempDir();
    try {
      const ring = keyring();
      const v1 = await openVault(dir.path, { osKeyWrapper: ring });
      const a = meta();
      v1.add(a, fakeSecret());
      v1.close();
      const path = join(dir.path, 'vault.json');
      const file = JSON.parse(readFileSync(path, 'utf8'));
      file.keys[0].sealed.ct = randomBytes(Buffer.from(file.keys[0].sealed.ct, 'base64').length).toString('base64');
      writeFileSync(path, JSON.stringify(file));
      const failed: string[] = [];
      const v2 = await openVault(dir.path, { osKeyWrapper: ring, onDecryptFailed: (r) => failed.push(r.id) });
      expect(failed).toEqual([a.id]);
      expect(() => v2.reveal(a.id)).toThrow(/re-enter this key/);
      v2.close();
    } finally {
      dir.cleanup();
    }
  });
});
