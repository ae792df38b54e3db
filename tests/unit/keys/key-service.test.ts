import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesUnder } from '../../helpers/assert.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, keyring } from '../vault/support.js';
import { harness, invalidKey, ScriptedTester, type Harness } from './support.js';

let dir: { path: string; cleanup: () => void };
let h: Harness;
beforeEach(async () => {
  dir = tempDir();
  h = await harness({ dataDir: dir.path, osKeyWrapper: keyring() });
});
afterEach(() => {
  h.area.close();
  dir.cleanup();
});

function grepDir(root: string, needle: string): string[] {
  return filesUnder(root).filter((f) => readFileSync(f).includes(Buffer.from(needle)));
}

describe('keys.add', () => {
  it('tests, saves encrypted, lists without the secret, audits and emits keys.changed', async () => {
    const secret = fakeSecret('sk-proj-');
    const added = await h.call('keys.add', { provider: 'openai', label: 'work, "main" key', secret });
    expect(added.test).toMatchObject({ ok: true });
    expect(added.key).toMatchObject({ provider: 'openai', label: 'work, "main" key', last4: secret.slice(-4), status: 'ok', source: 'user', readOnly: false, persisted: true });
    const { keys } = await h.call('keys.list', {});
    expect(keys.map((k) => k.id)).toEqual([added.id]);
    expect(JSON.stringify(keys)).not.toContain(secret);
    expect(grepDir(dir.path, secret)).toEqual([]);
    expect(h.events).toContainEqual({ name: 'keys.changed', payload: { provider: 'openai', keyId: added.id } });
    const { entries } = await h.call('keys.audit', {});
    expect(entries[0]).toMatchObject({ action: 'add', provider: 'openai', keyId: added.id, result: 'ok', actor: 'web 127.0.0.1' });
    expect((await h.area.service.resolve(added.id)).secret).toBe(secret);
  });

  it('refuses a key the provider rejects, with KEY_INVALID and why, and stores nothing', async () => {
    h.tester.next = invalidKey;
    const err = await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    expect(err.code).toBe('KEY_INVALID');
    expect(err.message).toMatch(/rejected the API key/);
    expect((await h.call('keys.list', {})).keys).toEqual([]);
    expect((await h.call('keys.audit', {})).entries[0]).toMatchObject({ action: 'add', result: 'failed' });
  });

  it('refuses a badly formed key before any provider call', async () => {
    const err = await h.fail('keys.add', { provider: 'anthropic', secret: 'sk-proj-notanthropic0123456789' });
    expect(err.code).toBe('KEY_INVALID');
    expect(err.message).toMatch(/This looks like an OpenAI key .*not an Anthropic key/);
    expect((await h.fail('keys.add', { provider: 'anthropic', secret: 'nope-notanthropic0123456789' })).message).toMatch(/does not look like an Anthropic key/);
    expect(h.tester.calls).toHaveLength(0);
  });

  it('saves a key the provider recognised but that cannot work yet (no credit), showing why', async () => {
    h.tester.next = () => ({ ok: false, latencyMs: 3, code: 'QUOTA_EXHAUSTED', hint: 'Add credit.', message: 'No credit.' });
    const added = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    expect(added.key).toMatchObject({ status: 'error', problem: 'Add credit.' });
  });

  it('refuses when the test could not reach the provider, and says how to save anyway', async () => {
    h.tester.next = () => ({ ok: false, latencyMs: 3, code: 'NETWORK', hint: 'Check your connection.', message: 'Could not reach OpenAI.' });
    const err = await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    expect(err.code).toBe('NETWORK');
    expect(err.message).toMatch(/save without testing/);
  });

  it('refuses a base URL where nothing answers like the provider (404) as a baseUrl VALIDATION error', async () => {
    h.tester.next = () => ({ ok: false, latencyMs: 3, code: 'NOT_FOUND', hint: 'Check the base URL.', message: 'Nothing answered.' });
    const err = await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-'), baseUrl: 'https://wrong.example.com/v1' });
    expect(err).toMatchObject({ code: 'VALIDATION', details: { field: 'baseUrl' } });
    expect(err.message).toMatch(/Check the base URL/);
  });

  it('skipTest saves untested without calling the provider (format still checked)', async () => {
    const added = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-'), skipTest: true });
    expect(added.key.status).toBe('untested');
    expect(added.test).toBeUndefined();
    expect(h.tester.calls).toHaveLength(0);
    expect((await h.fail('keys.add', { provider: 'openai', secret: 'nope', skipTest: true })).code).toBe('KEY_INVALID');
  });

  it('trims a key pasted with whitespace and line breaks (add, rotate and the draft test) instead of refusing it', async () => {
    const secret = fakeSecret('sk-proj-');
    const added = await h.call('keys.add', { provider: 'openai', secret: `  ${secret}\r\n`, skipTest: true });
    expect(added.key.last4).toBe(secret.slice(-4));
    // The same key again, differently wrapped, is the same key.
    expect((await h.fail('keys.add', { provider: 'openai', secret: `\n${secret}` })).code).toBe('CONFLICT');
    const rotated = fakeSecret('sk-proj-');
    const updated = await h.call('keys.update', { id: added.id, secret: `${rotated.slice(0, 20)}\n${rotated.slice(20)}\n`, skipTest: true });
    expect(updated.key.last4).toBe(rotated.slice(-4));
    const draft = await h.call('keys.testDraft', { provider: 'openai', secret: ` ${fakeSecret('sk-proj-')}\t\n` });
    expect(draft.ok).toBe(true);
    expect(h.tester.calls.at(-1)?.secret).toMatch(/^sk-proj-[0-9a-f]+$/);
  });

  it('refuses the same secret twice for a provider', async () => {
    const secret = fakeSecret('sk-proj-');
    await h.call('keys.add', { provider: 'openai', label: 'first', secret });
    const err = await h.fail('keys.add', { provider: 'openai', secret });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toBe('This key is already stored.');
    // Nothing tells a caller guessing secrets which saved key matched.
    const { id } = (await h.call('keys.list', {})).keys[0]!;
    expect(JSON.stringify({ message: err.message, details: err.details })).not.toMatch(new RegExp(`first|${id}`));
  });

  it('names what is wrong with provider fields and base URLs', async () => {
    expect((await h.fail('keys.add', { provider: 'azure', secret: 'a'.repeat(32) })).message).toMatch(/resource endpoint/);
    expect((await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-'), options: { deployment: 'x' } })).message).toMatch(/options\.deployment/);
    expect((await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-'), baseUrl: 'http://api.example.com/v1' })).message).toMatch(/use https/);
    expect((await h.fail('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-'), baseUrl: 'https://u:p@api.example.com/v1' })).message).toMatch(/user name and password/);
    expect((await h.fail('keys.add', { provider: 'openai', label: 'two\nlines', secret: fakeSecret('sk-proj-') })).message).toMatch(/control characters/);
    const local = await h.call('keys.add', { provider: 'openai-compatible', secret: '', baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(local.key).toMatchObject({ provider: 'openai-compatible', last4: '', baseUrl: 'http://127.0.0.1:11434/v1' });
    const azure = await h.call('keys.add', { provider: 'azure', secret: 'a'.repeat(32), baseUrl: 'https://res.openai.azure.com', options: { deployment: 'gpt-4o', apiVersion: '2024-10-21' } });
    expect(azure.key.options).toEqual({ deployment: 'gpt-4o', apiVersion: '2024-10-21' });
  });
});

describe('keys.update', () => {
  it('rotation: a failed test keeps the old secret; a passing one replaces it', async () => {
    const oldSecret = fakeSecret('sk-proj-');
    const { id } = await h.call('keys.add', { provider: 'openai', secret: oldSecret });
    h.tester.next = invalidKey;
    const newBad = fakeSecret('sk-proj-');
    const err = await h.fail('keys.update', { id, secret: newBad });
    expect(err.code).toBe('KEY_INVALID');
    expect(err.message).toMatch(/old key stays in place/);
    expect((await h.area.service.resolve(id)).secret).toBe(oldSecret);
    expect((await h.call('keys.list', {})).keys[0]?.last4).toBe(oldSecret.slice(-4));

    h.tester.next = () => ({ ok: true, latencyMs: 1 });
    const newGood = fakeSecret('sk-proj-');
    const updated = await h.call('keys.update', { id, secret: newGood });
    expect(updated.key).toMatchObject({ last4: newGood.slice(-4), status: 'ok' });
    expect((await h.area.service.resolve(id)).secret).toBe(newGood);
    const actions = (await h.call('keys.audit', {})).entries.map((e) => `${e.action}:${e.result}`);
    expect(actions.slice(0, 3)).toEqual(['rotate:ok', 'rotate:failed', 'add:ok']);
  });

  it('changes label, base URL and options; a base URL change takes the key again and is tested', async () => {
    const secret = fakeSecret('sk-proj-');
    const { id } = await h.call('keys.add', { provider: 'openai', secret });
    h.tester.calls = [];
    const renamed = await h.call('keys.update', { id, label: 'personal' });
    expect(renamed.key.label).toBe('personal');
    expect(h.tester.calls).toHaveLength(0);
    const moved = await h.call('keys.update', { id, baseUrl: 'https://proxy.example.com/v1', secret });
    expect(moved.key.baseUrl).toBe('https://proxy.example.com/v1');
    expect(h.tester.calls[0]?.baseUrl).toBe('https://proxy.example.com/v1');
    const cleared = await h.call('keys.update', { id, baseUrl: null, secret, skipTest: true });
    expect(cleared.key.baseUrl).toBeUndefined();
    expect(cleared.key.status).toBe('untested');
    const audit = (await h.call('keys.audit', {})).entries;
    expect(audit.slice(0, 2).map((e) => `${e.action}:${e.result}:${e.detail ?? ''}`)).toEqual([
      'rotate:ok:now sent to https://api.openai.com',
      'rotate:ok:now sent to https://proxy.example.com',
    ]);
  });

  describe('a new address for a saved key (where its secret is sent)', () => {
    it('is refused without the key itself: nothing is sent there, nothing changes, the refusal is audited', async () => {
      const secret = fakeSecret('sk-proj-');
      const { id } = await h.call('keys.add', { provider: 'openai', secret, baseUrl: 'https://gateway.example.com/team-a/v1' });
      h.tester.calls = [];
      for (const baseUrl of ['https://attacker.example.net/v1', 'https://gateway.example.com/team-b/v1', null]) {
        for (const extra of [{}, { skipTest: true }]) {
          const err = await h.fail('keys.update', { id, baseUrl, ...extra });
          expect(err.code).toBe('VALIDATION');
          expect(err.details).toMatchObject({ field: 'secret', reason: 'new-destination' });
          expect(err.message).toMatch(/^secret: enter this key again to send it to https:\/\/(attacker\.example\.net|gateway\.example\.com|api\.openai\.com)\./);
        }
      }
      expect(h.tester.calls).toEqual([]);
      const key = (await h.call('keys.list', {})).keys[0]!;
      expect(key.baseUrl).toBe('https://gateway.example.com/team-a/v1');
      expect((await h.area.service.resolve(id)).baseUrl).toBe('https://gateway.example.com/team-a/v1');
      const refused = (await h.call('keys.audit', {})).entries.filter((e) => e.result === 'refused');
      expect(refused).toHaveLength(6);
      expect(refused[0]).toMatchObject({ action: 'update', keyId: id, detail: 'new address https://api.openai.com without the key' });
    });

    it('is not asked for by a spelling change of the same address, a label, or Azure deployment fields', async () => {
      const { id } = await h.call('keys.add', {
        provider: 'azure',
        secret: 'a'.repeat(32),
        baseUrl: 'https://res.openai.azure.com',
        options: { deployment: 'gpt-4o', apiVersion: '2024-10-21' },
      });
      const same = await h.call('keys.update', { id, baseUrl: 'https://RES.openai.azure.com/', label: 'azure' });
      expect(same.key.label).toBe('azure');
      const options = await h.call('keys.update', { id, options: { deployment: 'gpt-4o-mini', apiVersion: '2024-10-21' } });
      // Spelling out the provider's default address is no move either.
      const openai = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
      expect((await h.call('keys.update', { id: openai.id, baseUrl: 'https://api.openai.com/v1' })).key.baseUrl).toBe('https://api.openai.com/v1');
      expect(options.key.options).toEqual({ deployment: 'gpt-4o-mini', apiVersion: '2024-10-21' });
      const err = await h.fail('keys.update', { id, baseUrl: 'https://other.openai.azure.com' });
      expect(err.details).toMatchObject({ field: 'secret' });
    });

    it('moves a keyless local server entry freely: there is no secret to protect', async () => {
      const { id } = await h.call('keys.add', { provider: 'openai-compatible', secret: '', baseUrl: 'http://127.0.0.1:11434/v1' });
      const moved = await h.call('keys.update', { id, baseUrl: 'http://127.0.0.1:1234/v1' });
      expect(moved.key.baseUrl).toBe('http://127.0.0.1:1234/v1');
    });
  });

  it('unknown ids are KEY_NOT_FOUND', async () => {
    expect((await h.fail('keys.update', { id: 'key_nope', label: 'x' })).code).toBe('KEY_NOT_FOUND');
    expect((await h.fail('keys.test', { id: 'key_nope' })).code).toBe('KEY_NOT_FOUND');
  });
});

describe('keys.test and keys.testDraft', () => {
  it('keys.test records the result on the key', async () => {
    const { id } = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    h.tester.next = () => ({ ok: false, latencyMs: 9, code: 'RATE_LIMITED', hint: 'Wait a minute.' });
    const r = await h.call('keys.test', { id });
    expect(r).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    const key = (await h.call('keys.list', {})).keys[0]!;
    expect(key).toMatchObject({ status: 'error', problem: 'Wait a minute.', lastTest: { code: 'RATE_LIMITED' } });
    expect(key.lastTestedAt).toBeGreaterThan(0);
    expect((await h.call('keys.audit', {})).entries[0]).toMatchObject({ action: 'test', keyId: id, result: 'failed', detail: 'RATE_LIMITED' });
  });

  it('keys.testDraft tests without saving anything', async () => {
    const secret = fakeSecret('sk-proj-');
    const r = await h.call('keys.testDraft', { provider: 'openai', secret });
    expect(r.ok).toBe(true);
    expect((await h.call('keys.list', {})).keys).toEqual([]);
    expect(grepDir(dir.path, secret)).toEqual([]);
    const bad = await h.call('keys.testDraft', { provider: 'openai', secret: 'not-a-key' });
    expect(bad).toMatchObject({ ok: false, code: 'KEY_INVALID' });
  });
});

describe('keys.delete', () => {
  it('removes the key, ends the sessions using it and says how many', async () => {
    const ended: Array<[string, string]> = [];
    h.area.setSessionEnder({ endSessionsUsingKey: (keyId, reason) => (ended.push([keyId, reason]), 2) });
    const { id } = await h.call('keys.add', { provider: 'openai', label: 'leaked', secret: fakeSecret('sk-proj-') });
    const r = await h.call('keys.delete', { id });
    expect(r).toEqual({ deleted: true, endedSessions: 2 });
    expect(ended).toEqual([[id, 'The key "leaked" was deleted.']]);
    expect((await h.call('keys.list', {})).keys).toEqual([]);
    await expect(h.area.service.resolve(id)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect((await h.call('keys.audit', {})).entries[0]).toMatchObject({ action: 'delete', keyId: id, result: 'ok', detail: 'ended 2 sessions' });
    expect(h.events.at(-1)).toEqual({ name: 'keys.changed', payload: { provider: 'openai', keyId: id } });
  });

  it('reports 0 ended sessions before the router plugs in, and deleted:false for an unknown id', async () => {
    const { id } = await h.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
    expect(await h.call('keys.delete', { id })).toEqual({ deleted: true, endedSessions: 0 });
    expect(await h.call('keys.delete', { id })).toEqual({ deleted: false, endedSessions: 0 });
  });
});

describe('environment keys', () => {
  const envSecret = fakeSecret('sk-proj-env');
  const gemSecret = 'AIza' + 'E'.repeat(35);
  let e: Harness;
  let envDir: { path: string; cleanup: () => void };
  beforeEach(async () => {
    envDir = tempDir();
    e = await harness({
      dataDir: envDir.path,
      osKeyWrapper: keyring(),
      env: { OPENAI_API_KEY: envSecret, OPENAI_BASE_URL: 'https://proxy.example.com/v1/', GOOGLE_API_KEY: gemSecret, ANTHROPIC_API_KEY: '  ' },
    });
  });
  afterEach(() => {
    e.area.close();
    envDir.cleanup();
  });

  it('are listed read-only "from environment", with a stable id, and never stored', async () => {
    const { keys } = await e.call('keys.list', {});
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({ id: 'env:openai', provider: 'openai', source: 'environment', readOnly: true, envVar: 'OPENAI_API_KEY', last4: envSecret.slice(-4), baseUrl: 'https://proxy.example.com/v1' });
    expect(keys[1]).toMatchObject({ id: 'env:gemini', envVar: 'GOOGLE_API_KEY' });
    expect(JSON.stringify(keys)).not.toContain(envSecret);
    const resolved = await e.area.service.resolve('env:openai');
    expect(resolved).toMatchObject({ secret: envSecret, source: 'environment', baseUrl: 'https://proxy.example.com/v1' });
    expect(e.area.service.environmentKey('anthropic')).toBeNull();
    await e.call('keys.test', { id: 'env:openai' });
    expect(grepDir(envDir.path, envSecret)).toEqual([]);
  });

  it('cannot be changed or deleted here, with a clear reason', async () => {
    const upd = await e.fail('keys.update', { id: 'env:openai', label: 'x' });
    expect(upd.code).toBe('VALIDATION');
    expect(upd.message).toMatch(/environment variable OPENAI_API_KEY/);
    const del = await e.fail('keys.delete', { id: 'env:openai' });
    expect(del.code).toBe('VALIDATION');
    expect(del.message).toMatch(/Unset OPENAI_API_KEY/);
  });

  it('come after the user’s own keys in failover order', async () => {
    const a = await e.call('keys.add', { provider: 'openai', label: 'a', secret: fakeSecret('sk-proj-') });
    const b = await e.call('keys.add', { provider: 'openai', label: 'b', secret: fakeSecret('sk-proj-') });
    expect((await e.area.service.candidates('openai')).map((k) => k.id)).toEqual([a.id, b.id, 'env:openai']);
    // A key that failed with an auth error on real use is marked and left out.
    e.area.service.noteUsed(a.id, { ok: false, code: 'KEY_INVALID' });
    expect((await e.call('keys.list', {})).keys.find((k) => k.id === a.id)).toMatchObject({ status: 'invalid' });
    expect((await e.area.service.candidates('openai')).map((k) => k.id)).toEqual([b.id, 'env:openai']);
    // Out of quota: kept, but tried last.
    e.area.service.noteUsed(b.id, { ok: false, code: 'QUOTA_EXHAUSTED' });
    expect((await e.area.service.candidates('openai')).map((k) => k.id)).toEqual(['env:openai', b.id]);
    e.area.service.noteUsed(b.id, { ok: true });
    const bInfo = (await e.call('keys.list', {})).keys.find((k) => k.id === b.id)!;
    expect(bInfo.status).toBe('ok');
    expect(bInfo.lastUsedAt).toBeGreaterThan(0);
    // A network error says nothing about the key.
    e.area.service.noteUsed(b.id, { ok: false, code: 'NETWORK' });
    expect((await e.call('keys.list', {})).keys.find((k) => k.id === b.id)?.status).toBe('ok');
  });
});

describe('audit log', () => {
  it('records every credential operation with its actor and never a secret, in a 0600 file', async () => {
    const secrets: string[] = [];
    const s = () => {
      const v = fakeSecret('sk-proj-');
      secrets.push(v);
      return v;
    };
    const { id } = await h.call('keys.add', { provider: 'openai', secret: s() });
    await h.call('keys.update', { id, secret: s() });
    await h.call('keys.update', { id, label: 'renamed' });
    await h.call('keys.test', { id });
    await h.call('keys.testDraft', { provider: 'openai', secret: s() });
    h.tester.next = invalidKey;
    await h.fail('keys.add', { provider: 'openai', secret: s() });
    await h.call('keys.delete', { id }, { transport: 'electron', actor: 'window 1 (app://switchboard)' });
    const { entries } = await h.call('keys.audit', {});
    expect(entries.map((e) => `${e.action}:${e.result}`)).toEqual(['delete:ok', 'add:failed', 'test:ok', 'test:ok', 'update:ok', 'rotate:ok', 'add:ok']);
    expect(entries[0]?.actor).toBe('window 1 (app://switchboard)');
    expect(entries.every((e) => e.time > 0 && e.id)).toBe(true);
    const file = join(dir.path, 'audit', 'keys.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    for (const v of secrets) expect(text).not.toContain(v);
    expect((await h.call('keys.audit', { keyId: id, limit: 2 })).entries.map((e) => e.action)).toEqual(['delete', 'test']);
  });

  it('records a failed decrypt, and the other keys keep working', async () => {
    const ring = keyring();
    const d2 = tempDir();
    try {
      const a = await harness({ dataDir: d2.path, osKeyWrapper: ring });
      const k1 = await a.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
      const k2Secret = fakeSecret('sk-proj-');
      const k2 = await a.call('keys.add', { provider: 'openai', secret: k2Secret });
      a.area.close();
      const path = join(d2.path, 'vault.json');
      const file = JSON.parse(readFileSync(path, 'utf8'));
      file.keys[0].sealed.tag = Buffer.alloc(16).toString('base64');
      (await import('node:fs')).writeFileSync(path, JSON.stringify(file));
      const b = await harness({ dataDir: d2.path, osKeyWrapper: ring });
      const list = (await b.call('keys.list', {})).keys;
      expect(list.find((k) => k.id === k1.id)).toMatchObject({ status: 'needs-reentry' });
      expect(list.find((k) => k.id === k1.id)?.problem).toMatch(/re-enter this key/);
      expect((await b.fail('keys.test', { id: k1.id })).code).toBe('KEY_NEEDS_REENTRY');
      expect((await b.area.service.resolve(k2.id)).secret).toBe(k2Secret);
      expect((await b.area.service.candidates('openai')).map((k) => k.id)).toEqual([k2.id]);
      expect((await b.call('keys.audit', {})).entries.find((e) => e.action === 'decrypt-failed')).toMatchObject({ keyId: k1.id, result: 'failed', provider: 'openai' });
      // Re-entering the key repairs it.
      const fresh = fakeSecret('sk-proj-');
      await b.call('keys.update', { id: k1.id, secret: fresh });
      expect((await b.area.service.resolve(k1.id)).secret).toBe(fresh);
      b.area.close();
    } finally {
      d2.cleanup();
    }
  });
});

describe('vault methods', () => {
  it('a locked passphrase vault: keys.* needing secrets answer VAULT_LOCKED; unlock opens it', async () => {
    const d2 = tempDir();
    try {
      const first = await harness({ dataDir: d2.path, passphrase: 'long enough passphrase' });
      const { id } = await first.call('keys.add', { provider: 'openai', secret: fakeSecret('sk-proj-') });
      first.area.close();

      const tester = new ScriptedTester();
      const h2 = await harness({ dataDir: d2.path, tester });
      expect(await h2.call('vault.status', {})).toMatchObject({ locked: true, protection: 'passphrase', actions: expect.arrayContaining(['unlock']) });
      expect((await h2.call('keys.list', {})).keys[0]).toMatchObject({ id, status: 'locked' });
      expect((await h2.fail('keys.test', { id })).code).toBe('VAULT_LOCKED');
      expect((await h2.fail('keys.update', { id, label: 'x' })).code).toBe('VAULT_LOCKED');
      await expect(h2.area.service.resolve(id)).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
      const meanwhile = await h2.call('keys.add', { provider: 'anthropic', secret: fakeSecret('sk-ant-api03-') });
      expect(meanwhile.key.persisted).toBe(false);

      const wrong = await h2.fail('vault.unlock', { passphrase: 'not it' });
      expect(wrong).toMatchObject({ code: 'VALIDATION', message: 'That passphrase does not open your saved keys.' });
      const st = await h2.call('vault.unlock', { passphrase: 'long enough passphrase' });
      expect(st).toMatchObject({ locked: false, persistent: true });
      expect(h2.events.some((e) => e.name === 'vault.changed')).toBe(true);
      expect((await h2.call('keys.test', { id })).ok).toBe(true);
      expect((await h2.call('keys.list', {})).keys.find((k) => k.id === meanwhile.id)?.persisted).toBe(true);
      const audit = (await h2.call('keys.audit', {})).entries.filter((e) => e.action === 'unlock').map((e) => e.result);
      expect(audit).toEqual(['ok', 'failed']);
      h2.area.close();
    } finally {
      d2.cleanup();
    }
  });

  it('too many wrong passphrases are rate limited', async () => {
    const d2 = tempDir();
    try {
      const first = await harness({ dataDir: d2.path, passphrase: 'long enough passphrase' });
      first.area.close();
      const h2 = await harness({ dataDir: d2.path });
      for (let i = 0; i < 10; i++) expect((await h2.fail('vault.unlock', { passphrase: `wrong ${i}` })).code).toBe('VALIDATION');
      const limited = await h2.fail('vault.unlock', { passphrase: 'long enough passphrase' });
      expect(limited.code).toBe('RATE_LIMITED');
      expect(limited.details?.retryAt).toEqual(expect.any(Number));
      h2.area.close();
    } finally {
      d2.cleanup();
    }
  }, 60_000);

  it('protect turns session-only keys into a passphrase vault; app status says so', async () => {
    const d2 = tempDir();
    try {
      const s = await harness({ dataDir: d2.path });
      expect(await s.call('vault.status', {})).toMatchObject({ protection: 'session-only', actions: expect.arrayContaining(['set-passphrase']) });
      const secret = fakeSecret('sk-proj-');
      const { id } = await s.call('keys.add', { provider: 'openai', secret });
      const st = await s.call('vault.protect', { passphrase: 'long enough passphrase' });
      expect(st).toMatchObject({ protection: 'passphrase', persistent: true });
      expect((await s.call('keys.audit', {})).entries[0]).toMatchObject({ action: 'protect', result: 'ok' });
      s.area.close();
      const again = await harness({ dataDir: d2.path, passphrase: 'long enough passphrase' });
      expect((await again.area.service.resolve(id)).secret).toBe(secret);
      again.area.close();
    } finally {
      d2.cleanup();
    }
  });

  it('reset after a keychain change keeps the old file and asks to re-enter keys', async () => {
    const d2 = tempDir();
    try {
      const first = await harness({ dataDir: d2.path, osKeyWrapper: keyring('gnome_libsecret') });
      const { id } = await first.call('keys.add', { provider: 'openai', label: 'main', secret: fakeSecret('sk-proj-') });
      first.area.close();
      const h2 = await harness({ dataDir: d2.path, osKeyWrapper: keyring('kwallet6') });
      const st = await h2.call('vault.status', {});
      expect(st.warning).toMatch(/keychain changed/);
      expect((await h2.call('keys.list', {})).keys[0]).toMatchObject({ id, status: 'needs-reentry', label: 'main' });
      expect((await h2.fail('vault.reset', {})).code).toBe('VALIDATION');
      const after = await h2.call('vault.reset', { confirm: true });
      expect(after).toMatchObject({ locked: false, backend: 'kwallet6' });
      expect(readdirSync(d2.path).some((f) => f.startsWith('vault.backup-'))).toBe(true);
      const fresh = fakeSecret('sk-proj-');
      await h2.call('keys.update', { id, secret: fresh });
      expect((await h2.area.service.resolve(id)).secret).toBe(fresh);
      expect((await h2.call('keys.audit', {})).entries.map((e) => e.action)).toContain('reset');
      h2.area.close();
    } finally {
      d2.cleanup();
    }
  });
});
