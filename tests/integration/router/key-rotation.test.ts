import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { AppError } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

// The core caches one SDK client per key (it holds the key's secret). A rotation must reach the
// provider on the very next turn, and a deleted key must not be usable a moment after.

let fake: FakeProviders;
let t: TestCore;
const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);
const secret = (tail: string) => `sk-proj-${'r'.repeat(24)}${tail}`;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'ok';
}

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  t = await startTestCore({ logger: silentLogger });
});

afterAll(async () => {
  await t.close();
  await fake.close();
});

describe('a key’s cached client follows the key', () => {
  it('rotation takes effect on the next turn, both ways; deletion at once', async () => {
    const { id } = await call<{ id: string }>('keys.add', { provider: 'openai', secret: secret('good1'), baseUrl: fake.baseUrls.openai, skipTest: true });
    const send = (n: number) =>
      call('chat.send', { sessionId: `rot-${n}`, target: { keyId: id, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: `turn ${n}` }] });

    expect(await codeOf(send(1))).toBe('ok');
    expect(await codeOf(send(2))).toBe('ok');
    // The fake provider rejects keys ending in "-invalid" the way OpenAI does.
    await call('keys.update', { id, secret: secret('x-invalid'), skipTest: true });
    expect(await codeOf(send(3))).toBe('KEY_INVALID');
    await call('keys.update', { id, secret: secret('good2'), skipTest: true });
    expect(await codeOf(send(4))).toBe('ok');
    await call('keys.delete', { id });
    expect(await codeOf(send(5))).toBe('KEY_NOT_FOUND');
  });
});
