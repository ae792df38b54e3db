import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryKeyWrapper } from '../../../electron/core/vault/memory-wrapper.js';
import { wrappedKeyDigest, type VaultFileData } from '../../../electron/core/vault/vault-file.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, keyring, meta, openVault, weakKeyring } from './support.js';

let dir: { path: string; cleanup: () => void };
let vaultPath: string;
beforeEach(() => {
  dir = tempDir();
  vaultPath = join(dir.path, 'vault.json');
});
afterEach(() => dir.cleanup());

const bytes = () => readFileSync(vaultPath);

describe('no vault yet', () => {
  it('with a passphrase: creates a passphrase vault, 0600, that reopens with it', async () => {
    const v = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    expect(v.status()).toMatchObject({ protection: 'passphrase', backend: 'scrypt', persistent: true, locked: false });
    const m = meta();
    const secret = fakeSecret();
    v.add(m, secret);
    v.close();
    expect(statSync(vaultPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(vaultPath, 'utf8')).not.toContain(secret);
    const again = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    expect(again.reveal(m.id)).toBe(secret);
    again.close();
  });

  it('with a strong keychain: creates an OS-keychain vault that reopens with the same keychain', async () => {
    const ring = keyring();
    const v = await openVault(dir.path, { osKeyWrapper: ring });
    expect(v.status()).toMatchObject({ protection: 'os-keychain', backend: 'gnome_libsecret', persistent: true });
    const m = meta();
    const secret = fakeSecret();
    v.add(m, secret);
    v.close();
    const file = JSON.parse(readFileSync(vaultPath, 'utf8'));
    expect(file.wrappedKey).toMatchObject({ kind: 'os-keychain', backend: 'gnome_libsecret' });
    const again = await openVault(dir.path, { osKeyWrapper: ring });
    expect(again.reveal(m.id)).toBe(secret);
    again.close();
  });

  it('a passphrase wins over the keychain', async () => {
    const v = await openVault(dir.path, { osKeyWrapper: keyring(), passphrase: 'long enough passphrase' });
    expect(v.status().protection).toBe('passphrase');
    v.close();
  });

  it('with a weak keychain (basic_text): session only, says why, and never writes the keys', async () => {
    const v = await openVault(dir.path, { osKeyWrapper: weakKeyring() });
    const st = v.status();
    expect(st).toMatchObject({ protection: 'session-only', persistent: false, locked: false });
    expect(st.warning).toMatch(/basic_text/);
    expect(st.warning).toMatch(/passphrase/);
    expect(st.actions).toEqual(expect.arrayContaining(['set-passphrase', 'use-session-only']));
    const m = meta();
    const secret = fakeSecret();
    v.add(m, secret);
    expect(v.reveal(m.id)).toBe(secret);
    expect(v.get(m.id)?.layer).toBe('session');
    expect(existsSync(vaultPath)).toBe(false);
    v.close();
  });

  it('with nothing: session only, says so, nothing written', async () => {
    const v = await openVault(dir.path);
    expect(v.status()).toMatchObject({ protection: 'session-only', backend: 'memory', persistent: false });
    expect(v.status().warning).toMatch(/not saved/);
    v.add(meta(), fakeSecret());
    expect(readdirSync(dir.path)).toEqual([]);
    v.close();
  });

  it('a keychain that fails to wrap at first start: session only, says why, app keeps working', async () => {
    const broken = keyring();
    broken.wrap = async () => {
      throw new Error('The keyring is locked.');
    };
    const v = await openVault(dir.path, { osKeyWrapper: broken });
    expect(v.status()).toMatchObject({ protection: 'session-only', persistent: false });
    expect(v.status().warning).toMatch(/could not create its encrypted vault \(The keyring is locked\.\)/);
    const m = meta();
    v.add(m, fakeSecret());
    expect(existsSync(vaultPath)).toBe(false);
    v.close();
  });

  it('keychain not available (wrapper not persistent): session only', async () => {
    const v = await openVault(dir.path, { osKeyWrapper: new MemoryKeyWrapper({ kind: 'os-keychain', backend: 'unknown', persistent: false }) });
    expect(v.status()).toMatchObject({ protection: 'session-only', persistent: false });
    expect(v.status().warning).toMatch(/keychain is not available/);
    v.close();
  });
});

describe('an OS-keychain vault on disk', () => {
  async function saved(ring = keyring()) {
    const v = await openVault(dir.path, { osKeyWrapper: ring });
    const m = meta();
    const secret = fakeSecret();
    v.add(m, secret);
    v.close();
    return { ring, m, secret, before: bytes() };
  }

  it('keychain backend changed: actionable error, keys need re-entry, file never touched', async () => {
    const { m, before } = await saved();
    const v = await openVault(dir.path, { osKeyWrapper: keyring('kwallet6') });
    const st = v.status();
    expect(st.locked).toBe(true);
    expect(st.warning).toMatch(/keychain changed/);
    expect(st.warning).toMatch(/gnome_libsecret/);
    expect(st.warning).toMatch(/kwallet6/);
    expect(st.warning).toMatch(/--password-store=gnome-libsecret/);
    expect(st.warning).toMatch(/re-enter your keys/);
    expect(st.actions).toContain('reset-vault');
    expect(v.get(m.id)?.blocked).toMatchObject({ status: 'needs-reentry' });
    expect(v.get(m.id)?.blocked?.problem).toMatch(/re-enter this key/);
    expect(() => v.reveal(m.id)).toThrow(expect.objectContaining({ code: 'KEY_NEEDS_REENTRY' }));
    // Keys added meanwhile stay in this session and never overwrite the file.
    const extra = meta();
    v.add(extra, fakeSecret());
    expect(v.get(extra.id)?.layer).toBe('session');
    expect(bytes().equals(before)).toBe(true);
    v.close();
    expect(bytes().equals(before)).toBe(true);
  });

  it('keychain now weak (basic_text): refuses to open it under the weak backend', async () => {
    const { before } = await saved();
    const v = await openVault(dir.path, { osKeyWrapper: weakKeyring() });
    expect(v.status()).toMatchObject({ locked: true, persistent: false });
    expect(v.status().warning).toMatch(/basic_text/);
    v.close();
    expect(bytes().equals(before)).toBe(true);
  });

  it('same backend name but the keyring fell back to the fixed key: refused too', async () => {
    const { before } = await saved();
    const v = await openVault(dir.path, { osKeyWrapper: weakKeyring('gnome_libsecret') });
    expect(v.status()).toMatchObject({ locked: true });
    expect(v.status().warning).toMatch(/basic_text/);
    v.close();
    expect(bytes().equals(before)).toBe(true);
  });

  it('keychain reset (the data key cannot be unwrapped): actionable error, file kept', async () => {
    const { m, before } = await saved();
    const v = await openVault(dir.path, { osKeyWrapper: keyring() });
    expect(v.status().locked).toBe(true);
    expect(v.status().warning).toMatch(/could not open your saved keys/);
    expect(v.get(m.id)?.blocked?.status).toBe('needs-reentry');
    v.close();
    expect(bytes().equals(before)).toBe(true);
  });

  it('opened where no keychain exists (web host): locked, says where it can be opened', async () => {
    const { m, before } = await saved();
    const v = await openVault(dir.path);
    expect(v.status()).toMatchObject({ locked: true, protection: 'os-keychain' });
    expect(v.status().warning).toMatch(/desktop app/);
    expect(v.get(m.id)?.blocked?.status).toBe('locked');
    v.add(meta(), fakeSecret());
    v.close();
    expect(bytes().equals(before)).toBe(true);
  });

  it('reset: moves the old file aside, starts a new vault, keeps the keys listed for re-entry', async () => {
    const { m } = await saved();
    const newRing = keyring('kwallet6');
    const v = await openVault(dir.path, { osKeyWrapper: newRing });
    const session = meta();
    const sessionSecret = fakeSecret();
    v.add(session, sessionSecret);
    const { backup } = await v.reset();
    expect(backup && existsSync(backup)).toBeTruthy();
    expect(v.status()).toMatchObject({ protection: 'os-keychain', backend: 'kwallet6', locked: false, persistent: true });
    expect(v.get(m.id)?.blocked?.status).toBe('needs-reentry');
    // The session key moved into the new vault.
    expect(v.get(session.id)?.layer).toBe('disk');
    const fresh = fakeSecret();
    v.update(m.id, {}, fresh);
    v.close();
    const again = await openVault(dir.path, { osKeyWrapper: newRing });
    expect(again.reveal(m.id)).toBe(fresh);
    expect(again.reveal(session.id)).toBe(sessionSecret);
    again.close();
  });

  it('delete works even while the vault cannot be opened, and spares the other keys', async () => {
    const ring = keyring();
    const v1 = await openVault(dir.path, { osKeyWrapper: ring });
    const a = meta();
    const b = meta();
    const secretB = fakeSecret();
    v1.add(a, fakeSecret());
    v1.add(b, secretB);
    v1.close();
    const locked = await openVault(dir.path);
    expect(locked.remove(a.id)).toBe(true);
    locked.close();
    const file = JSON.parse(readFileSync(vaultPath, 'utf8'));
    expect(file.keys.map((k: { id: string }) => k.id)).toEqual([b.id]);
    const again = await openVault(dir.path, { osKeyWrapper: ring });
    expect(again.reveal(b.id)).toBe(secretB);
    again.close();
  });
});

describe('a passphrase vault on disk', () => {
  async function saved() {
    const v = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    const m = meta();
    const secret = fakeSecret();
    v.add(m, secret);
    v.close();
    return { m, secret, before: bytes() };
  }

  it('without a passphrase: locked until unlocked; keys added meanwhile move in on unlock', async () => {
    const { m, secret, before } = await saved();
    const v = await openVault(dir.path);
    expect(v.status()).toMatchObject({ protection: 'passphrase', locked: true, persistent: false });
    expect(v.status().actions).toContain('unlock');
    expect(v.get(m.id)?.blocked).toMatchObject({ status: 'locked', code: 'VAULT_LOCKED' });
    expect(() => v.reveal(m.id)).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }));
    expect(() => v.update(m.id, { label: 'x' })).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }));
    const meanwhile = meta();
    const meanwhileSecret = fakeSecret();
    v.add(meanwhile, meanwhileSecret);
    expect(bytes().equals(before)).toBe(true);

    await expect(v.unlock('wrong passphrase!')).rejects.toMatchObject({ code: 'VALIDATION', message: 'That passphrase does not open your saved keys.' });
    expect(v.status().locked).toBe(true);
    expect(bytes().equals(before)).toBe(true);

    await v.unlock('long enough passphrase');
    expect(v.status()).toMatchObject({ locked: false, persistent: true });
    expect(v.reveal(m.id)).toBe(secret);
    expect(v.get(meanwhile.id)?.layer).toBe('disk');
    v.close();
    const again = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    expect(again.reveal(meanwhile.id)).toBe(meanwhileSecret);
    again.close();
  });

  it('a wrong passphrase at start: locked with a clear warning, file kept', async () => {
    const { before } = await saved();
    const v = await openVault(dir.path, { passphrase: 'not the passphrase' });
    expect(v.status()).toMatchObject({ locked: true });
    expect(v.status().warning).toMatch(/did not open your saved keys/);
    v.close();
    expect(bytes().equals(before)).toBe(true);
  });

  it('a keychain alone does not open it', async () => {
    await saved();
    const v = await openVault(dir.path, { osKeyWrapper: keyring() });
    expect(v.status()).toMatchObject({ locked: true, protection: 'passphrase' });
    v.close();
  });

  it('changing the passphrase needs the current one', async () => {
    const { m, secret } = await saved();
    const v = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    await expect(v.protect('brand new passphrase')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(v.protect('brand new passphrase', 'wrong one')).rejects.toMatchObject({ code: 'VALIDATION' });
    await v.protect('brand new passphrase', 'long enough passphrase');
    v.close();
    const again = await openVault(dir.path, { passphrase: 'brand new passphrase' });
    expect(again.reveal(m.id)).toBe(secret);
    again.close();
  });
});

describe('protect a session-only vault', () => {
  it('re-encrypts the keys held in memory into a passphrase vault', async () => {
    const v = await openVault(dir.path, { osKeyWrapper: weakKeyring() });
    const m = meta();
    const secret = fakeSecret();
    v.add(m, secret);
    await v.protect('long enough passphrase');
    expect(v.status()).toMatchObject({ protection: 'passphrase', persistent: true });
    expect(v.get(m.id)?.layer).toBe('disk');
    expect(readFileSync(vaultPath, 'utf8')).not.toContain(secret);
    expect(statSync(vaultPath).mode & 0o777).toBe(0o600);
    v.close();
    const again = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    expect(again.reveal(m.id)).toBe(secret);
    again.close();
  });
});

describe('a damaged vault file', () => {
  it('is reported, never overwritten, and reset keeps it as a backup', async () => {
    writeFileSync(vaultPath, '{"format":"switchboard-vault", this is not json');
    const before = bytes();
    const v = await openVault(dir.path, { osKeyWrapper: keyring() });
    expect(v.status()).toMatchObject({ locked: true });
    expect(v.status().warning).toMatch(/damaged/);
    v.add(meta(), fakeSecret());
    expect(bytes().equals(before)).toBe(true);
    const { backup } = await v.reset();
    expect(backup).not.toBeNull();
    expect(readFileSync(backup!).equals(before)).toBe(true);
    expect(v.status()).toMatchObject({ locked: false, protection: 'os-keychain' });
    v.close();
  });

  it('a file from a newer version is left alone', async () => {
    writeFileSync(vaultPath, JSON.stringify({ format: 'switchboard-vault', version: 2 }));
    const v = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    expect(v.status().warning).toMatch(/newer version/);
    v.close();
  });
});

describe('a tampered wrapped data key is told apart from a wrong passphrase', () => {
  const passphrase = 'long enough passphrase';
  async function saved(opts: { osKeyWrapper?: MemoryKeyWrapper; passphrase?: string } = { passphrase }) {
    const v = await openVault(dir.path, opts);
    const m = meta();
    v.add(m, fakeSecret());
    v.close();
    return m;
  }
  const file = () => JSON.parse(readFileSync(vaultPath, 'utf8')) as VaultFileData;
  /** Flips one byte of the wrapped key's ciphertext (or of the OS blob), keeping the file valid JSON. */
  function tamperBlob(opts: { fixDigest: boolean }) {
    const data = file();
    const blob = Buffer.from(data.wrappedKey.blob, 'base64');
    if (data.wrappedKey.kind === 'passphrase') {
      const sealed = JSON.parse(blob.toString('utf8')) as { ct: string };
      const ct = Buffer.from(sealed.ct, 'base64');
      ct[0] = ct[0]! ^ 0x01;
      sealed.ct = ct.toString('base64');
      data.wrappedKey.blob = Buffer.from(JSON.stringify(sealed)).toString('base64');
    } else {
      blob[blob.length - 1] = blob[blob.length - 1]! ^ 0x01;
      data.wrappedKey.blob = blob.toString('base64');
    }
    if (opts.fixDigest) data.wrappedKeyDigest = wrappedKeyDigest(data.wrappedKey);
    writeFileSync(vaultPath, JSON.stringify(data));
  }

  it('a wrong passphrase reads as a wrong passphrase', async () => {
    await saved();
    const v = await openVault(dir.path, { passphrase: 'not the passphrase' });
    expect(v.status().warning).toMatch(/did not open your saved keys/);
    expect(v.status().actions).toContain('unlock');
    v.close();
  });

  it('an edited wrapped key (checksum left as it was) reads as damage in vault.json, whatever the passphrase', async () => {
    const m = await saved();
    tamperBlob({ fixDigest: false });
    const before = bytes();
    for (const given of [passphrase, 'not the passphrase']) {
      const v = await openVault(dir.path, { passphrase: given });
      const warning = v.status().warning ?? '';
      expect(warning).toMatch(/altered or damaged in vault\.json/);
      expect(warning).not.toMatch(/did not open your saved keys/);
      expect(v.status().actions).not.toContain('unlock');
      expect(v.get(m.id)?.blocked?.status).toBe('needs-reentry');
      v.close();
    }
    expect(bytes().equals(before)).toBe(true);
  });

  it('an edited wrapped key with a recomputed checksum still reads as damage once the passphrase is right', async () => {
    await saved();
    tamperBlob({ fixDigest: true });
    const v = await openVault(dir.path, { passphrase });
    expect(v.status().warning).toMatch(/passphrase is right, but the key it protects in vault\.json was altered or damaged/);
    v.close();
    const wrong = await openVault(dir.path, { passphrase: 'not the passphrase' });
    expect(wrong.status().warning).toMatch(/did not open your saved keys/);
    wrong.close();
  });

  it('an edited keychain-wrapped key reads as damage, not as a keychain problem', async () => {
    const ring = keyring();
    await saved({ osKeyWrapper: ring });
    tamperBlob({ fixDigest: false });
    const v = await openVault(dir.path, { osKeyWrapper: ring });
    expect(v.status().warning).toMatch(/altered or damaged in vault\.json/);
    expect(v.status().warning).not.toMatch(/Unlock the keychain/);
    v.close();
  });

  it('a vault written before the checksum and the passphrase check were kept opens, and gets both', async () => {
    const m = await saved();
    const old = file();
    delete old.wrappedKeyDigest;
    delete old.wrappedKey.params!.check;
    writeFileSync(vaultPath, JSON.stringify(old));
    const v = await openVault(dir.path, { passphrase });
    expect(v.status().locked).toBe(false);
    expect(v.get(m.id)?.blocked).toBeUndefined();
    v.close();
    const now = file();
    expect(now.wrappedKeyDigest).toBe(wrappedKeyDigest(now.wrappedKey));
    expect(typeof now.wrappedKey.params?.check).toBe('string');
  });
});
