import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../../electron/host/server.js';
import { writeHostToken } from '../../../electron/host/token.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { filesUnder } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { tempDir } from '../../helpers/temp-dir.js';

const hex = (n: number) => randomBytes(n).toString('hex');

describe('keys over the web host (what keys.py drives)', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const staticDir = join(dir.path, 'static');
  const seen: string[] = [];
  let fake: FakeProviders;
  let t: TestCore;
  let host: WebHost;
  let token: string;

  async function rpc(method: string, body: unknown = {}): Promise<{ status: number; json: any }> {
    const res = await fetch(`${host.url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(text);
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><html><body>app</body></html>');
    fake = await startFakeProviders({ port: 0 });
    t = await startTestCore({ dataDir, logLevel: 'debug' });
    token = writeHostToken(dataDir);
    host = await startWebHost({ core: t.core, token, staticDir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await t.close();
    await fake.close();
    dir.cleanup();
  });

  it('add, list, refuse invalid, test, rotate, rate limit, audit, delete — and no secret anywhere', async () => {
    const used: string[] = [];
    const secret = `sk-proj-bar${hex(20)}`;
    used.push(secret);
    const add = await rpc('keys.add', { provider: 'openai', label: 'work, "main" key', secret, baseUrl: fake.baseUrls.openai });
    expect(add.status).toBe(200);
    const id = add.json.id as string;

    const list = await rpc('keys.list', {});
    expect(list.json.keys.map((k: { id: string }) => k.id)).toEqual([id]);
    expect(JSON.stringify(list.json)).toContain(secret.slice(-4));

    const bad = `sk-proj-bar${hex(8)}-invalid`;
    used.push(bad);
    const refused = await rpc('keys.add', { provider: 'openai', secret: bad, baseUrl: fake.baseUrls.openai });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('KEY_INVALID');
    expect((await rpc('keys.list', {})).json.keys).toHaveLength(1);

    const ant = `sk-ant-api03-bar${hex(20)}`;
    const gem = `AIzaBar${hex(16)}`;
    used.push(ant, gem);
    expect((await rpc('keys.add', { provider: 'anthropic', secret: ant, baseUrl: fake.baseUrls.anthropic })).status).toBe(200);
    expect((await rpc('keys.add', { provider: 'gemini', secret: gem, baseUrl: fake.baseUrls.gemini })).status).toBe(200);
    const badGem = await rpc('keys.add', { provider: 'gemini', secret: `AIzaBar${hex(8)}-invalid`, baseUrl: fake.baseUrls.gemini });
    expect(badGem.json.error.code).toBe('KEY_INVALID');

    const test = await rpc('keys.test', { id });
    expect(test.json).toMatchObject({ ok: true });

    const rotated = `sk-proj-bar${hex(20)}`;
    used.push(rotated);
    const upd = await rpc('keys.update', { id, secret: rotated });
    expect(upd.status).toBe(200);
    expect(upd.json.key.last4).toBe(rotated.slice(-4));

    let limited: any = null;
    for (let i = 0; i < 12 && !limited; i++) {
      const s = `sk-proj-bar${hex(20)}`;
      used.push(s);
      const r = await rpc('keys.update', { id, secret: s });
      if (r.status === 429) limited = r.json;
    }
    expect(limited?.error.code).toBe('RATE_LIMITED');
    expect(limited?.error.details.retryAt).toEqual(expect.any(Number));

    const audit = await rpc('keys.audit', {});
    const actions = audit.json.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['add', 'rotate', 'test', 'rate-limited']));

    const del = await rpc('keys.delete', { id });
    expect(del.json).toEqual({ deleted: true, endedSessions: 0 });
    expect((await rpc('keys.list', {})).json.keys.map((k: { id: string }) => k.id)).not.toContain(id);

    const status = await rpc('vault.status', {});
    expect(status.json).toMatchObject({ protection: 'session-only', persistent: false });
    expect((await rpc('app.info', {})).json.vault.protection).toBe('session-only');

    for (const s of used) {
      for (const t of seen) expect(t.includes(s)).toBe(false);
      for (const l of t.lines) expect(l.includes(s)).toBe(false);
      for (const f of filesUnder(dataDir)) expect(readFileSync(f).includes(Buffer.from(s))).toBe(false);
    }
  });

  it('a caller holding the host token cannot point a saved key at another server (no re-entry, no request there)', async () => {
    const attacker = await startFakeProviders({ port: 0 });
    try {
      // Groq speaks OpenAI's wire format (the test above used up OpenAI's hourly changes).
      const secret = `gsk_${hex(24)}`;
      const add = await rpc('keys.add', { provider: 'groq', label: 'victim', secret, baseUrl: fake.baseUrls.openai });
      expect(add.status).toBe(200);
      const id = add.json.id as string;
      for (const body of [{ id, baseUrl: attacker.baseUrls.openai }, { id, baseUrl: attacker.baseUrls.openai, skipTest: true }, { id, baseUrl: null }]) {
        const moved = await rpc('keys.update', body);
        expect(moved.status).toBe(400);
        expect(moved.json.error).toMatchObject({ code: 'VALIDATION', details: { field: 'secret' } });
      }
      // Its next use still goes where the key was saved, and the other server has seen nothing.
      expect((await rpc('keys.test', { id })).json).toMatchObject({ ok: true });
      expect(attacker.stats().requests).toEqual({});
      expect((await rpc('keys.list', {})).json.keys.find((k: { id: string }) => k.id === id).baseUrl).toBe(fake.baseUrls.openai);
      // With the key given again, the move is the user's own decision.
      const confirmed = await rpc('keys.update', { id, baseUrl: attacker.baseUrls.openai, secret });
      expect(confirmed.status).toBe(200);
      expect(Object.keys(attacker.stats().requests).length).toBeGreaterThan(0);
      await rpc('keys.delete', { id });
    } finally {
      await attacker.close();
    }
  });
});
