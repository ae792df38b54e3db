import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { ListingSchedule } from '../../../electron/core/catalog/listing-schedule.js';
import type { ProviderList } from '../../../electron/core/catalog/provider-model-store.js';
import type { ResolvedKey } from '../../../electron/core/ports.js';
import type { ProviderId } from '../../../shared/contract/index.js';

// OpenRouter's list (with its live prices) is refreshed when a key is added and then daily, without
// anyone pressing "Refresh"; other providers' lists carry no prices and wait to be asked.

const HOUR = 60 * 60 * 1000;

function setup() {
  const clock = { now: Date.UTC(2026, 11, 7, 9) };
  const keys = new Map<ProviderId, ResolvedKey[]>();
  const lists = new Map<ProviderId, ProviderList>();
  const calls: ProviderId[] = [];
  let fail = false;
  const schedule = new ListingSchedule({
    refresher: {
      refresh: async (provider?: ProviderId) => {
        calls.push(provider!);
        if (fail) return { providers: [{ provider: provider!, listed: 0, added: 0, priced: 0, fetchedAt: null, error: { code: 'NETWORK', message: 'down' } }], checkedAt: '' };
        lists.set(provider!, { fetchedAt: new Date(clock.now).toISOString(), models: [] });
        return { providers: [{ provider: provider!, listed: 1, added: 1, priced: 1, fetchedAt: new Date(clock.now).toISOString() }], checkedAt: '' };
      },
    },
    store: { list: (p) => lists.get(p) ?? null },
    keys: { candidates: async (p) => keys.get(p) ?? [] },
    logger: silentLogger,
    now: () => clock.now,
  });
  const key = (provider: ProviderId, id: string): ResolvedKey => ({ id, provider, label: id, secret: 'sk-or-v1-x', baseUrl: null, options: {}, source: 'user' });
  return { schedule, clock, keys, calls, key, setFail: (f: boolean) => (fail = f) };
}

describe('OpenRouter listing schedule', () => {
  it('a new OpenRouter key lists OpenRouter at once; the same key changing status does not list again', async () => {
    const s = setup();
    s.keys.set('openrouter', [s.key('openrouter', 'k1')]);
    s.schedule.keyChanged('openrouter', 'k1');
    await s.schedule.idle();
    expect(s.calls).toEqual(['openrouter']);
    s.schedule.keyChanged('openrouter', 'k1');
    await s.schedule.idle();
    expect(s.calls).toEqual(['openrouter']);
    s.keys.set('openrouter', [s.key('openrouter', 'k1'), s.key('openrouter', 'k2')]);
    s.schedule.keyChanged('openrouter', 'k2');
    await s.schedule.idle();
    expect(s.calls).toEqual(['openrouter', 'openrouter']);
  });

  it('other providers, a deleted key and events without a key list nothing', async () => {
    const s = setup();
    s.keys.set('openai', [s.key('openai', 'o1')]);
    s.schedule.keyChanged('openai', 'o1');
    s.schedule.keyChanged('openrouter', 'gone');
    s.schedule.keyChanged(undefined, undefined);
    s.schedule.keyChanged('openrouter', undefined);
    await s.schedule.idle();
    expect(s.calls).toEqual([]);
  });

  it('refreshes daily while a key is there; a failure is retried after an hour', async () => {
    const s = setup();
    await s.schedule.check();
    expect(s.calls).toEqual([]);
    s.keys.set('openrouter', [s.key('openrouter', 'k1')]);
    await s.schedule.check();
    expect(s.calls).toHaveLength(1);
    s.clock.now += 23 * HOUR;
    await s.schedule.check();
    expect(s.calls).toHaveLength(1);
    s.clock.now += 2 * HOUR;
    s.setFail(true);
    await s.schedule.check();
    expect(s.calls).toHaveLength(2);
    s.clock.now += 30 * 60 * 1000;
    await s.schedule.check();
    expect(s.calls).toHaveLength(2);
    s.setFail(false);
    s.clock.now += 31 * 60 * 1000;
    await s.schedule.check();
    expect(s.calls).toHaveLength(3);
    // The key it listed with counts as seen: its next status change lists nothing.
    s.schedule.keyChanged('openrouter', 'k1');
    await s.schedule.idle();
    expect(s.calls).toHaveLength(3);
  });
});
