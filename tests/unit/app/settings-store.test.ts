import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileNotices } from '../../../electron/core/app/file-notices.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
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

describe('a damaged settings.json', () => {
  it.each([
    ['cut short', '{"settings":{"keyFailover":false,"cred', /not valid JSON/],
    ['garbage', '\u0000\u00ff\u00fe binary', /not valid JSON/],
    ['empty', '', /empty/],
    ['a list', '[1,2]', /a list where/],
    ['a number', '42', /a number where/],
    ['out-of-range values', JSON.stringify({ settings: { credentialChangesPerHour: 0 } }), /not what Switchboard wrote/],
  ])('%s: set aside, defaults in force, the notice names it and where it is kept', (_name, content, problem) => {
    const dir = dataDir();
    writeFileSync(join(dir, 'settings.json'), content);
    const notices = new FileNotices(silentLogger);
    const store = new SettingsStore(dir, { notices, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const [notice] = notices.list();
    expect(notice).toMatchObject({ file: 'settings.json', problem: expect.stringMatching(problem), keptAs: 'settings.json.damaged-2026-01-02T03-04-05-000Z' });
    expect(readFileSync(join(dir, notice!.keptAs!), 'utf8')).toBe(content);
    // The next save writes a fresh file; the kept copy stays.
    store.set({ keyFailover: false });
    expect(new SettingsStore(dir).get().keyFailover).toBe(false);
    expect(readdirSync(dir)).toContain(notice!.keptAs);
  });

  it('a file from an older version (fields missing) is read, not set aside', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ settings: { keyFailover: false } }));
    const notices = new FileNotices(silentLogger);
    expect(new SettingsStore(dir, { notices }).get()).toEqual({ ...DEFAULT_SETTINGS, keyFailover: false });
    expect(notices.list()).toEqual([]);
  });
});
