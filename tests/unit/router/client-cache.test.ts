import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cachedAdapterFactory, forgetOnKeyChange, type CachedAdapterFactory } from '../../../electron/core/providers/adapters/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { harness, type Harness } from '../keys/support.js';
import { fakeSecret, keyring } from '../vault/support.js';
import { fakeKey } from './fakes.js';

// The router's SDK clients are cached per key. A stored key is decrypted only to build its client,
// and a rotated or deleted key's client (which holds the secret) must never serve another turn.

let dir: { path: string; cleanup: () => void };
let h: Harness;
let adapters: CachedAdapterFactory;
const BASE = 'http://127.0.0.1:9/v1';

beforeEach(async () => {
  dir = tempDir();
  h = await harness({ dataDir: dir.path, osKeyWrapper: keyring() });
  adapters = cachedAdapterFactory();
  forgetOnKeyChange((listener) => h.bus.on(listener), adapters);
});
afterEach(() => {
  h.area.close();
  dir.cleanup();
});

async function addKey(secret = fakeSecret('sk-proj-')): Promise<string> {
  return (await h.call('keys.add', { provider: 'openai', secret, baseUrl: BASE, skipTest: true })).id;
}

describe('SDK client cache', () => {
  it('reuses a key’s client on later turns without decrypting the key again', async () => {
    const id = await addKey();
    const reveal = vi.spyOn(h.area.vault, 'reveal');
    const first = adapters(await h.area.service.resolve(id));
    const second = adapters(await h.area.service.resolve(id));
    const third = adapters((await h.area.service.candidates('openai'))[0]!);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(reveal).toHaveBeenCalledTimes(1);
  });

  it('rotating a key drops its client; the next turn builds one from the new secret', async () => {
    const id = await addKey();
    const other = await addKey();
    const before = adapters(await h.area.service.resolve(id));
    adapters(await h.area.service.resolve(other));
    const fresh = fakeSecret('sk-proj-');
    await h.call('keys.update', { id, secret: fresh, skipTest: true });
    expect(adapters.holds(id)).toBe(false);
    expect(adapters.holds(other)).toBe(true);
    const reveal = vi.spyOn(h.area.vault, 'reveal');
    const after = adapters(await h.area.service.resolve(id));
    expect(after).not.toBe(before);
    expect(reveal).toHaveBeenCalledTimes(1);
    expect(reveal.mock.results[0]?.value).toBe(fresh);
  });

  it('a rotated key never reuses the old client, even without the change event', async () => {
    const unwired = cachedAdapterFactory();
    const id = await addKey();
    const before = unwired(await h.area.service.resolve(id));
    await h.call('keys.update', { id, secret: fakeSecret('sk-proj-'), skipTest: true });
    expect(unwired(await h.area.service.resolve(id))).not.toBe(before);
    // A label change keeps the secret: its client may stay.
    const kept = unwired(await h.area.service.resolve(id));
    await h.call('keys.update', { id, label: 'renamed' });
    expect(unwired(await h.area.service.resolve(id))).toBe(kept);
  });

  it('deleting a key drops its client at once and leaves the others', async () => {
    const id = await addKey();
    const other = await addKey();
    adapters(await h.area.service.resolve(id));
    adapters(await h.area.service.resolve(other));
    expect(adapters.holds(id)).toBe(true);
    await h.call('keys.delete', { id });
    expect(adapters.holds(id)).toBe(false);
    expect(adapters.holds(other)).toBe(true);
    await expect(h.area.service.resolve(id)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });

  it('a vault change (unlock, reset, new protection) drops every client', async () => {
    const id = await addKey();
    adapters(await h.area.service.resolve(id));
    h.bus.emit('vault.changed', {});
    expect(adapters.holds(id)).toBe(false);
  });

  it('keys without a version (test fakes) are told apart by their secret, which is not kept in the cache key', () => {
    const factory = cachedAdapterFactory();
    const a = factory(fakeKey('k1', 'openai', { baseUrl: BASE }));
    expect(factory(fakeKey('k1', 'openai', { baseUrl: BASE }))).toBe(a);
    expect(factory(fakeKey('k1', 'openai', { baseUrl: BASE, secret: 'sk-test-another-secret-xxxxxxxx' }))).not.toBe(a);
    expect(factory(fakeKey('k1', 'openai', { baseUrl: 'http://127.0.0.1:10/v1', secret: 'sk-test-another-secret-xxxxxxxx' }))).not.toBe(a);
  });

  it('resolving a stored key reads no secret until a client is built', async () => {
    const id = await addKey();
    const reveal = vi.spyOn(h.area.vault, 'reveal');
    const key = await h.area.service.resolve(id);
    await h.area.service.candidates('openai');
    expect(reveal).not.toHaveBeenCalled();
    expect(key.version).toEqual(expect.any(String));
    expect(JSON.stringify({ ...key, secret: undefined })).not.toContain(key.secret);
  });
});
