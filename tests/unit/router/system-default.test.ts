import { describe, expect, it } from 'vitest';
import { ChatSystemDefaultResponse } from '../../../shared/contract/index.js';
import type { CallContext } from '../../../electron/core/app/context.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { routerHandlers } from '../../../electron/core/router/handlers.js';
import { ChatRouter } from '../../../electron/core/router/router.js';
import { FakeAdmission, fakeKey, FakeKeys, FakeModels, ScriptedAdapters } from './fakes.js';

function handlersWith(keys: FakeKeys) {
  const router = new ChatRouter({
    keys,
    admission: new FakeAdmission(),
    models: new FakeModels(),
    settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
    emit: () => undefined,
    logger: silentLogger,
    adapters: new ScriptedAdapters().factory,
  });
  return routerHandlers(router, keys);
}

const ctx: CallContext = { transport: 'internal', actor: 'test' };

describe('chat.systemDefault', () => {
  it('says it is unavailable without an environment key, and how to fix that', async () => {
    const h = handlersWith(new FakeKeys().add(fakeKey('oa1', 'openai')));
    const res = ChatSystemDefaultResponse.parse(await h['chat.systemDefault']({}, ctx));
    expect(res.available).toBe(false);
    expect(res.provider).toBeUndefined();
    expect(res.reason).toMatch(/no system default/i);
    expect(res.fix).toMatch(/Settings/);
    expect(res.fix).toMatch(/OPENAI_API_KEY/);
  });

  it('names the provider, model and key it resolves to, never the secret', async () => {
    const keys = new FakeKeys();
    const env = fakeKey('env:anthropic', 'anthropic', { source: 'environment', label: 'Anthropic (environment)' });
    keys.env.set('anthropic', env);
    const h = handlersWith(keys);
    const raw = await h['chat.systemDefault']({}, ctx);
    const res = ChatSystemDefaultResponse.parse(raw);
    expect(res).toMatchObject({ available: true, provider: 'anthropic', model: 'claude-haiku-4-5', source: 'environment', keyLabel: 'Anthropic (environment)' });
    expect(res.reason).toBeUndefined();
    expect(JSON.stringify(raw)).not.toContain(env.secret);
  });
});
