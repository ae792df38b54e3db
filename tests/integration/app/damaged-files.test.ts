import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/core/app/logger.js';
import { ProviderModelStore } from '../../../electron/core/catalog/provider-model-store.js';
import { Ledger } from '../../../electron/core/metering/ledger.js';
import type { AppInfo, FileNotice } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { filesUnder, rejection } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { keyring } from '../../unit/vault/support.js';

// Every file the core reads at start, damaged four ways: the app still starts, names the damaged
// file, keeps it (moved aside, or left untouched), and leaves every other file as it was.

const ring = keyring();
const secret = `sk-test-${'d'.repeat(24)}${randomBytes(4).toString('hex')}`;
let fake: FakeProviders;
let seed: { path: string; cleanup(): void };
let keyId: string;
const cleanups: Array<() => void> = [];

/** The data folder of someone who has used the app: a saved key, settings, a price, provider lists, limits, one call. */
beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  seed = tempDir('sb-seed-');
  const t = await startTestCore({ dataDir: seed.path, osKeyWrapper: ring });
  keyId = (await t.call<{ id: string }>('keys.add', { provider: 'openai', secret, baseUrl: fake.baseUrls.openai, label: 'seed' })).id;
  await t.call('settings.set', { keyFailover: false, credentialChangesPerHour: 20 });
  await t.call('models.setPrice', { provider: 'openai-compatible', model: 'local-llama', pricing: { input: 1, output: 2, cacheRead: null, cacheWrite: null } });
  await t.call('limits.set', { monthlyUsd: { total: 50 } });
  await t.call('agents.save', { name: 'Seed agent', instructions: 'Answer briefly.', powerLevel: 'eco' });
  await t.call('chat.send', { sessionId: 's1', target: { keyId, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'hello' }], stream: false });
  await t.close();
  writeFileSync(join(seed.path, 'mcp-servers.json'), JSON.stringify({ format: 'switchboard-mcp-servers', version: 1, servers: [] }));
  new ProviderModelStore(seed.path, createLogger({ write: () => {} })).replace(
    new Map([['openai', { fetchedAt: new Date(0).toISOString(), models: [{ id: 'gpt-listed-only', name: null, contextWindow: null, maxOutputTokens: null, pricing: null, capabilities: [] }] }]]),
  );
}, 60_000);

afterAll(async () => {
  for (const c of cleanups) c();
  seed?.cleanup();
  await fake?.close();
});

const JSON_FILES = ['settings.json', 'vault.json', 'credential-changes.json', 'model-prices.json', 'provider-models.json', 'agents.json', 'mcp-servers.json'];
type Damage = 'truncated' | 'garbage' | 'empty' | 'wrong JSON type';
const DAMAGES: Damage[] = ['truncated', 'garbage', 'empty', 'wrong JSON type'];

function damage(path: string, how: Damage): Buffer {
  const before = readFileSync(path);
  const after =
    how === 'truncated'
      ? before.subarray(0, Math.floor(before.length / 2))
      : how === 'garbage'
        ? Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x9c]), randomBytes(300)])
        : how === 'empty'
          ? Buffer.alloc(0)
          : Buffer.from(path.endsWith('.jsonl') ? '[]\n"text"\n42\n' : path.endsWith('.db') ? '{"version":1,"calls":[]}' : '[1, 2, 3]');
  writeFileSync(path, after);
  return after;
}

/** A copy of the used data folder with one file damaged; the bytes of every file before the start. */
function damagedCopy(file: string, how: Damage) {
  const dir = tempDir('sb-damaged-');
  cleanups.push(dir.cleanup);
  cpSync(seed.path, dir.path, { recursive: true });
  rmSync(join(dir.path, 'logs'), { recursive: true, force: true });
  const damaged = damage(join(dir.path, file), how);
  const before = new Map(filesUnder(dir.path).map((f) => [relative(dir.path, f), readFileSync(f)]));
  return { dir: dir.path, damaged, before };
}

async function start(dir: string): Promise<TestCore> {
  const t = await startTestCore({ dataDir: dir, osKeyWrapper: ring });
  cleanups.push(() => void t.close());
  return t;
}

const notices = async (t: TestCore) => (await t.call<AppInfo>('app.info', {})).notices;
const noticeFor = async (t: TestCore, file: string): Promise<FileNotice | undefined> => (await notices(t)).find((n) => n.file === file);

/** Files other than `except` (and the ledger, compared by content below) are byte for byte what they were. */
function expectOthersIntact(dir: string, before: Map<string, Buffer>, except: string[]) {
  for (const [file, bytes] of before) {
    // SQLite rewrites its shared-memory index whenever a database opens; the database itself is compared.
    if (except.includes(file) || file.startsWith('usage.db') || file.endsWith('.db-shm')) continue;
    expect(existsSync(join(dir, file)), `${file} still there`).toBe(true);
    expect(readFileSync(join(dir, file)).equals(bytes), `${file} unchanged`).toBe(true);
  }
}

/** The ledger's content as the app shows it: the recorded call and the limits. */
async function expectLedgerIntact(t: TestCore) {
  const { records } = await t.call<{ records: unknown[] }>('usage.records', {});
  expect(records).toHaveLength(1);
  expect((await t.call<{ limits: { monthlyUsd: { total: number | null } } }>('limits.get', {})).limits.monthlyUsd.total).toBe(50);
}

describe.each(JSON_FILES)('%s, damaged', (file) => {
  it.each(DAMAGES)('%s: the app starts, names the file, keeps it, and every other file is intact', async (how) => {
    const { dir, damaged, before } = damagedCopy(file, how);
    const t = await start(dir);
    const info = await t.call<AppInfo>('app.info', {});
    const notice = info.notices.find((n) => n.file === file);
    expect(notice, `a notice names ${file}`).toBeDefined();
    expect(notice!.problem.length).toBeGreaterThan(5);
    if (file === 'vault.json') {
      // Never moved by the app: only starting a new vault (the user's choice) does that.
      expect(notice!.action).toBe('reset-vault');
      expect(readFileSync(join(dir, file)).equals(damaged)).toBe(true);
      // Its keys cannot be used (listed as needing re-entry where the file still names them).
      const listed = (await t.call<{ keys: Array<{ id: string; status: string }> }>('keys.list', {})).keys.find((k) => k.id === keyId);
      expect(listed === undefined || listed.status === 'needs-reentry').toBe(true);
    } else {
      expect(notice!.keptAs).toMatch(new RegExp(`^${file.replace('.', '\\.')}\\.damaged-`));
      expect(readFileSync(join(dir, notice!.keptAs!)).equals(damaged), 'the damaged bytes are kept').toBe(true);
      expect(notice!.outcome).toContain(notice!.keptAs!);
    }
    expect(info.notices.map((n) => n.file)).toEqual([file]);
    expectOthersIntact(dir, before, [file]);
    await expectLedgerIntact(t);
    // What the file held is back to its defaults, and the app works on.
    if (file === 'settings.json') expect(await t.call('settings.get', {})).toMatchObject({ keyFailover: true, credentialChangesPerHour: 10 });
    if (file !== 'vault.json') expect((await t.call<{ ok: boolean }>('keys.test', { id: keyId })).ok).toBe(true);
  });
});

describe('usage.db, damaged', () => {
  it.each(['truncated', 'garbage', 'wrong JSON type'] as Damage[])(
    '%s: the app starts, chat is refused before any provider request, the file is never overwritten, and moving it aside is the user’s choice',
    async (how) => {
      const { dir, damaged, before } = damagedCopy('usage.db', how);
      // SQLite's write-ahead log of the seed run is part of the ledger; a damaged ledger keeps it.
      const t = await start(dir);
      const notice = await noticeFor(t, 'usage.db');
      expect(notice).toMatchObject({ action: 'reset-ledger' });
      expect(notice!.problem).toMatch(/not a usable database/);
      const generations = () => Object.entries(fake.stats().requests).filter(([k]) => /chat\/completions/.test(k)).reduce((s, [, n]) => s + n, 0);
      const sent = generations();
      const refused = await rejection(
        t.call('chat.send', { sessionId: 's2', target: { keyId, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'hi' }], stream: false }),
      );
      expect(refused.code).toBe('LEDGER_UNAVAILABLE');
      expect(refused.message).toContain(join(dir, 'usage.db'));
      expect(refused.message).toMatch(/Move the damaged ledger aside/);
      expect(generations()).toBe(sent);
      for (const method of ['usage.query', 'usage.records', 'limits.get']) expect((await rejection(t.call(method, {}))).code).toBe('LEDGER_UNAVAILABLE');
      expectOthersIntact(dir, before, ['usage.db']);
      // Keys, settings and the catalog still work.
      expect((await t.call<{ ok: boolean }>('keys.test', { id: keyId })).ok).toBe(true);
      expect(await t.call('settings.get', {})).toMatchObject({ keyFailover: false });
      expect(readFileSync(join(dir, 'usage.db')).equals(damaged)).toBe(true);
      await t.close();

      // A restart finds it as it was: nothing overwrote it.
      const again = await start(dir);
      expect(readFileSync(join(dir, 'usage.db')).equals(damaged)).toBe(true);
      const { keptAs } = await again.call<{ keptAs: string }>('ledger.reset', {});
      expect(keptAs).toMatch(/^usage\.db\.damaged-/);
      expect(readFileSync(join(dir, keptAs)).equals(damaged)).toBe(true);
      expect(again.events.some((e) => e.name === 'app.notices')).toBe(true);
      const after = await noticeFor(again, 'usage.db');
      expect(after?.action).toBeUndefined();
      expect(after?.outcome).toContain(keptAs);
      const answer = await again.call<{ text: string }>('chat.send', {
        sessionId: 's3',
        target: { keyId, model: 'gpt-4o-mini' },
        messages: [{ role: 'user', content: 'hi again' }],
        stream: false,
      });
      expect(answer.text.length).toBeGreaterThan(0);
      expect((await again.call<{ records: unknown[] }>('usage.records', {})).records).toHaveLength(1);
    },
  );

  it('empty: a ledger that was never written starts as a new one (nothing to keep)', async () => {
    const { dir, before } = damagedCopy('usage.db', 'empty');
    for (const f of ['usage.db-wal', 'usage.db-shm']) rmSync(join(dir, f), { force: true });
    const t = await start(dir);
    expect(await notices(t)).toEqual([]);
    expect((await t.call<{ records: unknown[] }>('usage.records', {})).records).toEqual([]);
    expectOthersIntact(dir, before, ['usage.db']);
  });

  it('refuses to move aside a ledger that opens normally', async () => {
    const dir = tempDir('sb-ok-');
    cleanups.push(dir.cleanup);
    cpSync(seed.path, dir.path, { recursive: true });
    const t = await start(dir.path);
    expect((await rejection(t.call('ledger.reset', {}))).code).toBe('CONFLICT');
    await expectLedgerIntact(t);
  });
});

describe('session-titles.db, damaged', () => {
  it.each(['truncated', 'garbage', 'wrong JSON type'] as Damage[])('%s: the app starts, sets it aside with a notice, and usage and the CSV still work', async (how) => {
    const { dir, damaged, before } = damagedCopy('session-titles.db', how);
    for (const f of ['session-titles.db-wal', 'session-titles.db-shm']) rmSync(join(dir, f), { force: true });
    const t = await start(dir);
    const notice = await noticeFor(t, 'session-titles.db');
    expect(notice?.keptAs).toMatch(/^session-titles\.db\.damaged-/);
    expect(readFileSync(join(dir, notice!.keptAs!)).equals(damaged)).toBe(true);
    expect(notice?.outcome).toMatch(/usage, limits and keys are untouched/);
    await expectLedgerIntact(t);
    expect(await t.call('usage.setSessionTitles', { titles: [{ sessionId: 's1', title: 'Seed chat' }] })).toEqual({ saved: 1 });
    expectOthersIntact(dir, before, ['session-titles.db', 'session-titles.db-wal']);
  });
});

describe('the limits kept in usage.db, damaged', () => {
  it.each(['truncated', 'garbage', 'empty', 'wrong JSON type'] as Damage[])('%s: the app starts without limits, says so, and keeps the value and the history', async (how) => {
    const dir = tempDir('sb-limits-');
    cleanups.push(dir.cleanup);
    cpSync(seed.path, dir.path, { recursive: true });
    const ledger = Ledger.open({ path: join(dir.path, 'usage.db'), timeZone: 'UTC' });
    const good = ledger.kvGet('limits')!;
    const bad = how === 'truncated' ? good.slice(0, good.length / 2) : how === 'garbage' ? '\u0000\u00ff garbage' : how === 'empty' ? '' : '[1,2,3]';
    ledger.kvSet('limits', bad);
    ledger.close();
    const t = await start(dir.path);
    const notice = await noticeFor(t, 'usage.db');
    expect(notice?.problem).toMatch(/limits stored in it could not be read/);
    expect(notice?.outcome).toMatch(/No limits are in force/);
    expect((await t.call<{ limits: { monthlyUsd: { total: number | null } } }>('limits.get', {})).limits.monthlyUsd.total).toBeNull();
    expect((await t.call<{ records: unknown[] }>('usage.records', {})).records).toHaveLength(1);
  });
});

describe('audit/keys.jsonl, damaged', () => {
  it.each(DAMAGES)('%s: the app starts, the readable entries are listed, the file is left as it is', async (how) => {
    const file = join('audit', 'keys.jsonl');
    const { dir, damaged, before } = damagedCopy(file, how);
    const t = await start(dir);
    const notice = await noticeFor(t, 'audit/keys.jsonl');
    if (how === 'empty') expect(notice).toBeUndefined();
    else expect(notice?.problem).toMatch(/could not be read/);
    expect(readFileSync(join(dir, file)).equals(damaged)).toBe(true);
    expectOthersIntact(dir, before, [file]);
    // New entries are still recorded after the damaged ones.
    await t.call('keys.test', { id: keyId });
    expect((await t.call<{ entries: Array<{ action: string }> }>('keys.audit', {})).entries[0]?.action).toBe('test');
  });
});
