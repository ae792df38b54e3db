import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeyTester } from '../../../electron/core/keys/key-tester.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';

// OpenRouter's model list answers without a key, so listing models cannot prove a key works; the
// key test asks OpenRouter's key-info endpoint instead.

let fake: FakeProviders;
const tester = createKeyTester();
const secret = () => `sk-or-v1-test${randomBytes(24).toString('hex')}`;

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const openrouter = (s: string) => ({ provider: 'openrouter' as const, secret: s, baseUrl: fake.baseUrls.openrouter, options: {} });

describe('OpenRouter key test', () => {
  it('asks the key-info endpoint with the key, then counts the models', async () => {
    const key = secret();
    const r = await tester.test(openrouter(key));
    expect(r.ok).toBe(true);
    expect(r.modelCount).toBeGreaterThan(0);
    const sent = fake.requests();
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/openrouter/api/v1/key', keyPresent: true });
    expect(JSON.stringify(sent)).not.toContain(key);
  });

  it('a key OpenRouter refuses is KEY_INVALID, even though its model list is public', async () => {
    const key = `${secret()}-invalid`;
    const r = await tester.test(openrouter(key));
    expect(r).toMatchObject({ ok: false, code: 'KEY_INVALID' });
    expect(fake.requests().map((q) => q.path)).toEqual(['/openrouter/api/v1/key']);
    expect(JSON.stringify(r)).not.toContain(key);
  });
});
