import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultFile } from '../../../electron/core/vault/vault-file.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, keyring, meta, openVault } from './support.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

/**
 * A vault file whose writes break the way a full disk or a failed rename does: conf's atomic writer
 * has created its temp file and written part of the data when the error strikes.
 */
function failingFile(dataDir: string, failing: { on: boolean }): VaultFile {
  return new VaultFile(dataDir, (options) => {
    const conf = new Conf<Record<string, unknown>>(options);
    // conf's private write step (its atomic writer): replaced so the failure strikes mid-write.
    const inner = conf as unknown as { _write(value: unknown): void };
    const original = inner._write.bind(conf);
    inner._write = (value) => {
      if (!failing.on) return original(value);
      writeFileSync(join(dataDir, 'vault.json.tmp-123'), JSON.stringify(value).slice(0, 40));
      const err = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
      err.code = 'ENOSPC';
      throw err;
    };
    return conf;
  });
}

describe('vault file writes', () => {
  it('a failed write leaves the old file intact and the key list unchanged', async () => {
    const ring = keyring();
    const failing = { on: false };
    const file = failingFile(dir.path, failing);
    const v = await openVault(dir.path, { osKeyWrapper: ring, file });
    const kept = meta();
    const keptSecret = fakeSecret();
    v.add(kept, keptSecret);
    const path = join(dir.path, 'vault.json');
    const before = readFileSync(path);

    failing.on = true;
    const lost = meta();
    expect(() => v.add(lost, fakeSecret())).toThrow(/ENOSPC/);
    expect(v.get(lost.id)).toBeUndefined();
    expect(() => v.update(kept.id, { label: 'renamed' }, fakeSecret())).toThrow(/ENOSPC/);
    expect(v.get(kept.id)?.meta.label).toBe(kept.label);
    expect(v.reveal(kept.id)).toBe(keptSecret);
    // A delete that cannot rewrite the file still destroys the saved secret and stops the key's use.
    expect(() => v.remove(kept.id)).toThrow(/ENOSPC/);
    expect(() => v.reveal(kept.id)).toThrow(/Delete it again/);
    expect(readFileSync(path, 'utf8')).not.toContain(JSON.parse(before.toString()).keys[0].sealed.ct);
    expect(readFileSync(path).subarray(0, 20).toString()).toBe(before.subarray(0, 20).toString());
    expect(JSON.parse(readFileSync(path, 'utf8')).keys).toHaveLength(1);
    v.close();

    const again = await openVault(dir.path, { osKeyWrapper: ring });
    expect(again.list().map((r) => r.meta.id)).toEqual([kept.id]);
    again.close();
  });

  it('a failed write leaves the file byte for byte as it was (add and update)', async () => {
    const ring = keyring();
    const failing = { on: false };
    const v = await openVault(dir.path, { osKeyWrapper: ring, file: failingFile(dir.path, failing) });
    const kept = meta();
    v.add(kept, fakeSecret());
    const path = join(dir.path, 'vault.json');
    const before = readFileSync(path);
    failing.on = true;
    expect(() => v.add(meta(), fakeSecret())).toThrow();
    expect(() => v.update(kept.id, { label: 'x' })).toThrow();
    expect(readFileSync(path).equals(before)).toBe(true);
    v.close();
  });

  it('writes the vault file with mode 0600 and no temp files left behind', async () => {
    const v = await openVault(dir.path, { osKeyWrapper: keyring() });
    for (let i = 0; i < 5; i++) v.add(meta(), fakeSecret());
    v.close();
    expect(statSync(join(dir.path, 'vault.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir.path)).toEqual(['vault.json']);
  });

  it('deleting a key removes its ciphertext from the file', async () => {
    const ring = keyring();
    const v = await openVault(dir.path, { osKeyWrapper: ring });
    const a = meta();
    const b = meta();
    v.add(a, fakeSecret());
    v.add(b, fakeSecret());
    const path = join(dir.path, 'vault.json');
    const sealed = JSON.parse(readFileSync(path, 'utf8')).keys[0].sealed as { ct: string; tag: string };
    expect(v.remove(a.id)).toBe(true);
    const after = readFileSync(path, 'utf8');
    expect(after).not.toContain(sealed.ct);
    expect(after).not.toContain(sealed.tag);
    expect(after).not.toContain(a.id);
    expect(v.remove(a.id)).toBe(false);
    v.close();
  });

  it('scrub overwrites values in place without breaking the JSON', () => {
    const path = join(dir.path, 'vault.json');
    writeFileSync(path, JSON.stringify({ a: 'c2VjcmV0LWNpcGhlcnRleHQ=', b: 'keep-this' }));
    new VaultFile(dir.path).scrub(['c2VjcmV0LWNpcGhlcnRleHQ=']);
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    expect(parsed.a).toMatch(/^A+$/);
    expect(parsed.b).toBe('keep-this');
  });

  it('reports a missing file and never creates one by reading', () => {
    expect(new VaultFile(dir.path).read()).toEqual({ state: 'missing' });
    expect(existsSync(join(dir.path, 'vault.json'))).toBe(false);
  });
});
