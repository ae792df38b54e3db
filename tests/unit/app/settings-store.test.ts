import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../electron/core/app/settings-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dirs: Array<() => void> = [];
afterEach(() => {
  while (dirs.length) dirs.pop()!();
});
function dataDir(): string {
  const t = tempDir();
  dirs.push(t.cleanup);
  return t.path;
}

describe('settings store', () => {
  it('set() is seen by get() and by a store opened later on the same folder', () => {
    const dir = dataDir();
    const store = new SettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const seen: unknown[] = [];
    store.onChange((s) => seen.push(s));
    expect(store.set({ keyFailover: false })).toEqual({ ...DEFAULT_SETTINGS, keyFailover: false });
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, keyFailover: false });
    expect(seen).toEqual([{ ...DEFAULT_SETTINGS, keyFailover: false }]);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).settings.keyFailover).toBe(false);
    expect(new SettingsStore(dir).get()).toEqual({ ...DEFAULT_SETTINGS, keyFailover: false });
  });

  it('reads the file once: a caller changing its answer changes nothing, and get() does not go back to the file', () => {
    const dir = dataDir();
    const store = new SettingsStore(dir);
    store.set({ credentialChangesPerHour: 20 });
    const answer = store.get();
    answer.credentialChangesPerHour = 999;
    expect(store.get().credentialChangesPerHour).toBe(20);
    // Later edits to the file by something else are not read until the app restarts.
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ settings: { ...DEFAULT_SETTINGS, credentialChangesPerHour: 5 } }));
    expect(store.get().credentialChangesPerHour).toBe(20);
    expect(new SettingsStore(dir).get().credentialChangesPerHour).toBe(5);
  });

  it('an invalid patch changes nothing', () => {
    const store = new SettingsStore(dataDir());
    expect(() => store.set({ credentialChangesPerHour: 0 })).toThrow();
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });
});
