import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, keyring } from '../vault/support.js';
import { harness } from './support.js';

const HOUR = 60 * 60 * 1000;
let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

describe('credential change rate limit', () => {
  it('allows N changes per provider per hour (add, update, rotate), then RATE_LIMITED with when to retry', async () => {
    const ring = keyring();
    const clock = { t: 1_750_000_000_000 };
    const h = await harness({ dataDir: dir.path, osKeyWrapper: ring, changesPerHour: 3, clock });
    const start = clock.t;
    const { id } = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    await h.call('keys.update', { id, label: 'renamed' });
    await h.call('keys.update', { id, secret: fakeSecret('sk-proj-') });

    const err = await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.message).toMatch(/at most 3 per hour/);
    expect(err.message).toMatch(/Deleting a key is always allowed/);
    const retryAt = err.details?.retryAt as number;
    expect(retryAt).toBeGreaterThan(start + HOUR - 10);
    expect(retryAt).toBeLessThan(start + HOUR + 10);
    expect(err.details).toMatchObject({ limit: 3, provider: 'openai', retryAfterMs: expect.any(Number) });
    expect((await h.fail('keys.update', { id, label: 'again' })).code).toBe('RATE_LIMITED');
    expect((await h.call('keys.audit', {})).entries[0]).toMatchObject({ action: 'rate-limited', provider: 'openai', result: 'refused' });

    // Tests are not changes; another provider has its own window.
    expect((await h.call('keys.test', { id })).ok).toBe(true);
    await h.call('keys.add', { provider: 'anthropic', secret: fakeSecret('sk-ant-api03-') });

    // Deleting is never limited: revoking a leaked key must always work.
    expect(await h.call('keys.delete', { id })).toMatchObject({ deleted: true });
    h.area.close();

    // The window survives a restart.
    const again = await harness({ dataDir: dir.path, osKeyWrapper: ring, changesPerHour: 3, clock });
    expect((await again.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') })).code).toBe('RATE_LIMITED');
    const file = join(dir.path, 'credential-changes.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toMatch(/sk-/);

    // An hour after the first change, one more fits.
    clock.t = start + HOUR + 5;
    await again.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    again.area.close();
  });

  it('counts a refused (invalid) key too, so the limit also slows down key guessing', async () => {
    const h = await harness({ dataDir: dir.path, changesPerHour: 2 });
    h.tester.next = () => ({ ok: false, latencyMs: 1, code: 'KEY_INVALID', hint: 'wrong' });
    expect((await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') })).code).toBe('KEY_INVALID');
    expect((await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') })).code).toBe('KEY_INVALID');
    expect((await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') })).code).toBe('RATE_LIMITED');
    h.area.close();
  });

  it('deletes and tests never count and are never limited', async () => {
    const h = await harness({ dataDir: dir.path, changesPerHour: 1 });
    const { id } = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    for (let i = 0; i < 5; i++) await h.call('keys.test', { id });
    await h.call('keys.testDraft', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    expect((await h.fail('keys.update', { id, label: 'x' })).code).toBe('RATE_LIMITED');
    expect(await h.call('keys.delete', { id })).toEqual({ deleted: true, endedSessions: 0 });
    h.area.close();
  });
});
