import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageKeyWrapper } from '../../../electron/main/safe-storage-wrapper.js';

// A reversible stand-in for the OS: ciphertext is prefix + reversed bytes, so a test can tell what
// was encrypted without real crypto.
const seal = (prefix: string, text: string) => Buffer.concat([Buffer.from(prefix), Buffer.from(text).reverse()]);
const open = (blob: Buffer) => Buffer.from(blob.subarray(3)).reverse().toString();

/**
 * safeStorage as Electron 45 has it: the async API, plus the deprecated sync calls, which this
 * module must never use (spied so a test can say so).
 */
function storage(opts: { available?: boolean; backend?: string; prefix?: string; shouldReEncrypt?: boolean } = {}) {
  return {
    isAsyncEncryptionAvailable: vi.fn(async () => opts.available ?? true),
    encryptStringAsync: vi.fn(async (t: string) => seal(opts.prefix ?? 'v11', t)),
    decryptStringAsync: vi.fn(async (b: Buffer) => ({ result: open(b), shouldReEncrypt: opts.shouldReEncrypt ?? false })),
    getSelectedStorageBackend: vi.fn(() => opts.backend ?? 'gnome_libsecret'),
    isEncryptionAvailable: vi.fn(() => opts.available ?? true),
    encryptString: vi.fn((t: string) => seal(opts.prefix ?? 'v11', t)),
    decryptString: vi.fn((b: Buffer) => open(b)),
  };
}

const deprecatedCalls = (s: ReturnType<typeof storage>) =>
  s.isEncryptionAvailable.mock.calls.length + s.encryptString.mock.calls.length + s.decryptString.mock.calls.length;

describe('safeStorage key wrapper', () => {
  it('uses the async API only and round-trips the data key as base64 text', async () => {
    const os = storage();
    const wrapper = await createSafeStorageKeyWrapper(os, { platform: 'linux' });
    expect(wrapper.kind).toBe('os-keychain');
    expect(wrapper.backend).toBe('gnome_libsecret');
    expect(wrapper.persistent).toBe(true);
    expect(wrapper.weakReason).toBeUndefined();

    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey);
    expect(wrapped).toEqual({ kind: 'os-keychain', backend: 'gnome_libsecret', blob: expect.any(String) });
    // What went to the OS is the base64 text of the key, and the blob is base64 of what came back.
    expect(os.encryptStringAsync).toHaveBeenLastCalledWith(dataKey.toString('base64'));
    expect(Buffer.from(wrapped.blob, 'base64').subarray(0, 3).toString()).toBe('v11');

    const opened = await wrapper.unwrap(wrapped);
    expect(opened.dataKey.equals(dataKey)).toBe(true);
    expect(opened.shouldRewrap).toBe(false);
    // Deprecated in Electron 45 (and removed later): never called.
    expect(deprecatedCalls(os)).toBe(0);
  });

  it('passes shouldReEncrypt on as shouldRewrap', async () => {
    const wrapper = await createSafeStorageKeyWrapper(storage({ shouldReEncrypt: true }), { platform: 'darwin' });
    const opened = await wrapper.unwrap(await wrapper.wrap(randomBytes(32)));
    expect(opened.shouldRewrap).toBe(true);
  });

  it.each(['basic_text', 'unknown', 'some_future_backend'])('marks the Linux %s backend as weak', async (backend) => {
    const wrapper = await createSafeStorageKeyWrapper(storage({ backend, prefix: 'v10' }), { platform: 'linux' });
    expect(wrapper.backend).toBe(backend);
    expect(wrapper.weakReason).toMatch(/same on every computer/);
    expect(wrapper.weakReason).toMatch(/--password-store=gnome-libsecret/);
  });

  it('marks a keyring backend as weak when the ciphertext shows the fixed key (v10)', async () => {
    const wrapper = await createSafeStorageKeyWrapper(storage({ backend: 'gnome_libsecret', prefix: 'v10' }), { platform: 'linux' });
    expect(wrapper.weakReason).toMatch(/fell back to the built-in key/);
  });

  it('is unavailable before ready: weak, not persistent, and refuses to wrap', async () => {
    // What Linux reports before the app's ready event.
    const os = storage({ available: false, backend: 'unknown' });
    const wrapper = await createSafeStorageKeyWrapper(os, { platform: 'linux' });
    expect(wrapper.persistent).toBe(false);
    expect(wrapper.weakReason).toBeDefined();
    await expect(wrapper.wrap(randomBytes(32))).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(os.encryptStringAsync).not.toHaveBeenCalled();
    expect(deprecatedCalls(os)).toBe(0);
  });

  it('reports an unavailable async API the same way', async () => {
    const wrapper = await createSafeStorageKeyWrapper(storage({ available: false }), { platform: 'win32' });
    expect(wrapper.backend).toBe('dpapi');
    expect(wrapper.persistent).toBe(false);
    expect(wrapper.weakReason).toMatch(/not available/);
  });

  it('names macOS and Windows backends without asking for a Linux one', async () => {
    const os = storage();
    expect((await createSafeStorageKeyWrapper(os, { platform: 'darwin' })).backend).toBe('keychain');
    expect((await createSafeStorageKeyWrapper(os, { platform: 'win32' })).backend).toBe('dpapi');
    expect(os.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('refuses a blob from another backend with an actionable message', async () => {
    const kde = await createSafeStorageKeyWrapper(storage({ backend: 'kwallet6' }), { platform: 'linux' });
    const wrapped = await kde.wrap(randomBytes(32));
    const gnome = await createSafeStorageKeyWrapper(storage({ backend: 'gnome_libsecret' }), { platform: 'linux' });
    await expect(gnome.unwrap(wrapped)).rejects.toMatchObject({
      code: 'VAULT_LOCKED',
      message: expect.stringContaining('--password-store=kwallet6'),
    });
  });

  it('refuses a blob made by another kind of wrapper', async () => {
    const wrapper = await createSafeStorageKeyWrapper(storage(), { platform: 'darwin' });
    await expect(wrapper.unwrap({ kind: 'passphrase', backend: 'scrypt', blob: 'AAAA' })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });

  it('turns a decryption failure into VAULT_LOCKED without the blob in the message', async () => {
    const os = storage();
    os.decryptStringAsync.mockRejectedValueOnce(new Error('Error while decrypting the ciphertext provided'));
    const wrapper = await createSafeStorageKeyWrapper(os, { platform: 'darwin' });
    const wrapped = await wrapper.wrap(randomBytes(32));
    const err = (await wrapper.unwrap(wrapped).then(
      () => null,
      (e: unknown) => e,
    )) as Error | null;
    expect(err).toMatchObject({ code: 'VAULT_LOCKED' });
    expect(err?.message).not.toContain(wrapped.blob);
  });

  it('rejects decrypted text that is not the base64 it wrote', async () => {
    const os = storage();
    os.decryptStringAsync.mockResolvedValueOnce({ result: 'not base64 at all!', shouldReEncrypt: false });
    const wrapper = await createSafeStorageKeyWrapper(os, { platform: 'darwin' });
    await expect(wrapper.unwrap(await wrapper.wrap(randomBytes(32)))).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });
});
