import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { ChatRouter } from '../../../electron/core/router/router.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FakeAdmission, FakeModels, ScriptedAdapters } from '../router/fakes.js';
import { fakeSecret, keyring } from '../vault/support.js';
import { harness, type Harness } from './support.js';

// keys.delete reaches the router the way core.ts wires it: the router is the keys area's SessionEnder.

let dir: { path: string; cleanup: () => void };
let h: Harness;
let router: ChatRouter;
beforeEach(async () => {
  dir = tempDir();
  h = await harness({ dataDir: dir.path, osKeyWrapper: keyring() });
  router = new ChatRouter({
    keys: h.area.service,
    admission: new FakeAdmission(),
    models: new FakeModels(),
    settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
    emit: () => {},
    logger: silentLogger,
    adapters: new ScriptedAdapters().factory,
  });
  h.area.setSessionEnder(router);
});
afterEach(async () => {
  await router.close();
  h.area.close();
  dir.cleanup();
});

describe('keys.delete and key health', () => {
  it('forgets the deleted key’s health history and cooldown; the provider’s history stays', async () => {
    const { id } = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    const { id: other } = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    for (let i = 0; i < 3; i++) router.health.record({ provider: 'openai', keyId: id, ok: false, errorCode: 'RATE_LIMITED', latencyMs: 5, ttftMs: null });
    router.health.record({ provider: 'openai', keyId: other, ok: true, latencyMs: 5, ttftMs: 2 });
    expect(router.health.key(id)).toMatchObject({ recentCalls: 3, errorRate: 1 });
    expect(router.health.isCoolingDown(id)).toBe(true);

    expect(await h.call('keys.delete', { id })).toEqual({ deleted: true, endedSessions: 0 });

    expect(router.health.key(id)).toEqual({ errorRate: null, p50LatencyMs: null, p50TtftMs: null, recentCalls: 0, coolingDownUntil: null });
    expect(router.health.isCoolingDown(id)).toBe(false);
    expect(router.health.key(other).recentCalls).toBe(1);
    expect(router.health.provider('openai').recentCalls).toBe(4);
  });

  it('still ends the sessions that use the deleted key', async () => {
    const { id } = await h.call('keys.add', { provider: 'openai', label: 'leaked', secret: fakeSecret('sk-proj-') });
    router.sessions.open({ sessionId: 's1', target: { keyId: id, model: 'gpt-4o-mini' } });
    expect(await h.call('keys.delete', { id })).toEqual({ deleted: true, endedSessions: 1 });
    expect(router.sessions.list().find((s) => s.sessionId === 's1')?.endedReason).toBe('The key "leaked" was deleted.');
  });
});
