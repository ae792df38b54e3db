import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageKeyWrapper, type SafeStorageLike } from '../../../electron/main/safe-storage-wrapper.js';

// A reversible stand-in for the OS: ciphertext is prefix + reversed bytes, so a test can tell what
// was encrypted without real crypto.
const seal = (prefix: string, text: string) => Buffer.concat([Buffer.from(prefix), Buffer.from(text).reverse()]);
const open = (blob: Buffer) => Buffer.from(blob.subarray(3)).reverse().toString();

function syncStorage(opts: { available?: boolean; backend?: string; prefix?: string } = {}) {
  return {
    isEncryptionAvailable: vi.fn(() => opts.available ?? true),
    encryptString: vi.fn((t: string) => seal(opts.prefix ?? 'v11', t)),
    decryptString: vi.fn((b: Buffer) => open(b)),
    getSelectedStorageBackend: vi.fn(() => opts.backend ?? 'gnome_libsecret'),
  } satisfies SafeStorageLike;
}

function asyncStorage(opts: { available?: boolean; backend?: string; prefix?: string; shouldReEncrypt?: boolean } = {}) {
  return {
    ...syncStorage(opts),
    isAsyncEncryptionAvailable: vi.fn(async () => opts.available ?? true),
    encryptStringAsync: vi.fn(async (t: string) => seal(opts.prefix ?? 'v11', t)),
    decryptStringAsync: vi.fn(async (b: Buffer) => ({ result: open(b), shouldReEncrypt: opts.shouldReEncrypt ?? false })),
  } satisfies SafeStorageLike;
}

describe('safeStorage key wrapper', () => {
  it('prefers the async API and round-trips the data key as base64 text', async () => {
    const storage = asyncStorage();
    const wrapper = await createSafeStorageKeyWrapper(storage, { platform: 'linux' });
    expect(wrapper.kind).toBe('os-keychain');
    expect(wrapper.backend).toBe('gnome_libsecret');
    expect(wrapper.persistent).toBe(true);
    expect(wrapper.weakReason).toBeUndefined();

    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey);
    expect(wrapped).toEqual({ kind: 'os-keychain', backend: 'gnome_libsecret', blob: expect.any(String) });
    // What went to the OS is the base64 text of the key, and the blob is base64 of what came back.
    expect(storage.encryptStringAsync).toHaveBeenLastCalledWith(dataKey.toString('base64'));
    expect(Buffer.from(wrapped.blob, 'base64').subarray(0, 3).toString()).toBe('v11');
    expect(storage.encryptString).not.toHaveBeenCalled();

    const opened = await wrapper.unwrap(wrapped);
    expect(opened.dataKey.equals(dataKey)).toBe(true);
    expect(opened.shouldRewrap).toBe(false);
    expect(storage.decryptString).not.toHaveBeenCalled();
  });

  it('falls back to the sync API when the async one is absent (Electron 41)', async () => {
    const storage = syncStorage();
    const wrapper = await createSafeStorageKeyWrapper(storage, { platform: 'linux' });
    const dataKey = randomBytes(32);
    const opened = await wrapper.unwrap(await wrapper.wrap(dataKey));
    expect(opened).toEqual({ dataKey, shouldRewrap: false });
    expect(storage.encryptString).toHaveBeenCalled();
  });

  it('passes shouldReEncrypt on as shouldRewrap', async () => {
    const wrapper = await createSafeStorageKeyWrapper(asyncStorage({ shouldReEncrypt: true }), { platform: 'darwin' });
    const opened = await wrapper.unwrap(await wrapper.wrap(randomBytes(32)));
    expect(opened.shouldRewrap).toBe(true);
  });

  it.each(['basic_text', 'unknown', 'some_future_backend'])('marks the Linux %s backend as weak', async (backend) => {
    const wrapper = await createSafeStorageKeyWrapper(asyncStorage({ backend, prefix: 'v10' }), { platform: 'linux' });
    expect(wrapper.backend).toBe(backend);
    expect(wrapper.weakReason).toMatch(/same on every computer/);
    expect(wrapper.weakReason).toMatch(/--password-store=gnome-libsecret/);
  });

  it('marks a keyring backend as weak when the ciphertext shows the fixed key (v10)', async () => {
    const wrapper = await createSafeStorageKeyWrapper(asyncStorage({ backend: 'gnome_libsecret', prefix: 'v10' }), { platform: 'linux' });
    expect(wrapper.weakReason).toMatch(/fell back to the built-in key/);
  });

  it('is unavailable before ready: weak, not persistent, and refuses to wrap', async () => {
    // What Linux reports before the app's ready event.
    const storage = syncStorage({ available: false, backend: 'unknown' });
    const wrapper = await createSafeStorageKeyWrapper(storage, { platform: 'linux' });
    expect(wrapper.persistent).toBe(false);
    expect(wrapper.weakReason).toBeDefined();
    await expect(wrapper.wrap(randomBytes(32))).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(storage.encryptString).not.toHaveBeenCalled();
  });

  it('reports an unavailable async API the same way', async () => {
    const wrapper = await createSafeStorageKeyWrapper(asyncStorage({ available: false }), { platform: 'win32' });
    expect(wrapper.backend).toBe('dpapi');
    expect(wrapper.persistent).toBe(false);
    expect(wrapper.weakReason).toMatch(/not available/);
  });

  it('names macOS and Windows backends without asking for a Linux one', async () => {
    const storage = syncStorage();
    expect((await createSafeStorageKeyWrapper(storage, { platform: 'darwin' })).backend).toBe('keychain');
    expect((await createSafeStorageKeyWrapper(storage, { platform: 'win32' })).backend).toBe('dpapi');
    expect(storage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('refuses a blob from another backend with an actionable message', async () => {
    const kde = await createSafeStorageKeyWrapper(asyncStorage({ backend: 'kwallet6' }), { platform: 'linux' });
    const wrapped = await kde.wrap(randomBytes(32));
    const gnome = await createSafeStorageKeyWrapper(asyncStorage({ backend: 'gnome_libsecret' }), { platform: 'linux' });
    await expect(gnome.unwrap(wrapped)).rejects.toMatchObject({
      code: 'VAULT_LOCKED',
      message: expect.stringContaining('--password-store=kwallet6'),
    });
  });

  it('refuses a blob made by another kind of wrapper', async () => {
    const wrapper = await createSafeStorageKeyWrapper(asyncStorage(), { platform: 'darwin' });
    await expect(wrapper.unwrap({ kind: 'passphrase', backend: 'scrypt', blob: 'AAAA' })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });

  it('turns a decryption failure into VAULT_LOCKED without the blob in the message', async () => {
    const storage = asyncStorage();
    storage.decryptStringAsync.mockRejectedValueOnce(new Error('Error while decrypting the ciphertext provided'));
    const wrapper = await createSafeStorageKeyWrapper(storage, { platform: 'darwin' });
    const wrapped = await wrapper.wrap(randomBytes(32));
    const err = (await wrapper.unwrap(wrapped).then(
      () => null,
      (e: unknown) => e,
    )) as Error | null;
    expect(err).toMatchObject({ code: 'VAULT_LOCKED' });
    expect(err?.message).not.toContain(wrapped.blob);
  });

  it('rejects decrypted text that is not the base64 it wrote', async () => {
    const storage = asyncStorage();
    storage.decryptStringAsync.mockResolvedValueOnce({ result: 'not base64 at all!', shouldReEncrypt: false });
    const wrapper = await createSafeStorageKeyWrapper(storage, { platform: 'darwin' });
    await expect(wrapper.unwrap(await wrapper.wrap(randomBytes(32)))).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });
});
