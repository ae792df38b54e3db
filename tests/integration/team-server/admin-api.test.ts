import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder } from '../../helpers/assert.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { startTestTeam, type TestTeam } from '../../helpers/team-server.js';
import { useFakeProviders } from '../fake-providers/harness.js';

const providers = useFakeProviders();
let pg: TestPostgres;
let team: TestTeam;
const SECRET = 'sk-proj-TEAMSECRET-a1b2c3d4e5f6g7h8i9j0';

beforeAll(async () => {
  pg = await startTestPostgres();
  team = await startTestTeam(pg, providers.fake);
}, 90_000);
afterAll(async () => {
  await team?.close();
  await pg?.stop();
}, 60_000);

function record(id: string, tokens: { in: number; out: number }, extra: Record<string, unknown> = {}) {
  return {
    id,
    time: Date.now(),
    sessionId: 's-1',
    agent: null,
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    keyId: 'k-own',
    source: 'user',
    status: 'ok',
    errorCode: null,
    usage: { inputTokens: tokens.in, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: tokens.out, reasoningTokens: 0, estimated: false },
    costUsd: 0.001,
    pricing: null,
    latencyMs: 10,
    ttftMs: 5,
    attempt: 1,
    fallbackOf: null,
    reservedUsd: null,
    reservedTokens: null,
    settledAt: Date.now(),
    ...extra,
  };
}

async function waitFor200Not(token: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await team.api('GET', '/api/me', token)).status === 401) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the expired token still works');
}

const memberTokens = async (id: string) => (await team.api('GET', '/api/admin/usage', team.ownerToken)).body.members.find((m: { id: string }) => m.id === id)?.tokens;

describe('team keys', () => {
  it('tests a key before saving it, never answers it, and keeps it sealed at rest', async () => {
    const bad = await team.api('POST', '/api/admin/keys', team.ownerToken, { provider: 'openai', secret: 'sk-proj-wrong-key-000000-invalid', baseUrl: providers.fake.baseUrls.openai });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'KEY_INVALID', param: 'secret' });
    expect((await team.api('GET', '/api/admin/keys', team.ownerToken)).body.keys).toEqual([]);
    const shape = await team.api('POST', '/api/admin/keys', team.ownerToken, { provider: 'anthropic', secret: 'sk-proj-not-an-anthropic-key-0000' });
    expect(shape.body.error).toMatchObject({ code: 'VALIDATION', param: 'secret' });
    expect(shape.body.error.message).toMatch(/not an Anthropic key/);

    const ok = await team.api('POST', '/api/admin/keys', team.ownerToken, { provider: 'openai', secret: SECRET, baseUrl: providers.fake.baseUrls.openai, label: 'Team OpenAI' });
    expect(ok.status).toBe(201);
    expect(ok.text).not.toContain(SECRET.slice(8));
    const list = await team.api('GET', '/api/admin/keys', team.ownerToken);
    expect(list.body.keys).toEqual([expect.objectContaining({ id: ok.body.id, provider: 'openai', label: 'Team OpenAI', last4: 'i9j0' })]);
    expect(list.text).not.toContain(SECRET.slice(8, -4));

    const rows = await team.server.db.query('SELECT * FROM team_keys');
    expect(JSON.stringify(rows.rows)).not.toContain(SECRET.slice(8, -4));
    const models = await team.api('PUT', '/api/admin/models', team.ownerToken, { default: { provider: 'openai', model: 'gpt-4o-mini' } });
    expect(models.status).toBe(200);
    // The key works from the sealed copy: a chat through the team reaches the provider with it.
    const m = await team.member('uses the key');
    const chat = await team.client(m.token).chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hello' }] });
    expect(chat.choices[0]?.message.content).toBeTruthy();
  });

  it('refuses models of a provider the team has no key for', async () => {
    const r = await team.api('PUT', '/api/admin/models', team.ownerToken, { default: { provider: 'openai', model: 'gpt-4o-mini' }, allowed: [{ provider: 'gemini', model: 'gemini-2.5-flash' }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', param: 'allowed[0].provider' });
  });

  it('refuses a model without a known price, which USD budgets could not be kept for, and keeps the models chosen before', async () => {
    const before = await team.api('GET', '/api/admin/models', team.ownerToken);
    const r = await team.api('PUT', '/api/admin/models', team.ownerToken, { default: { provider: 'openai', model: 'no-such-model' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', param: 'default.model' });
    expect(r.body.error.message).toMatch(/no known price/);
    const after = await team.api('GET', '/api/admin/models', team.ownerToken);
    expect(after.body.default).toEqual(before.body.default);
  });
});

describe('members and roles', () => {
  it('lets owners and admins manage, members only see themselves', async () => {
    const admin = await team.member('An admin', undefined, 'admin');
    const m = await team.member('Plain member');
    expect((await team.api('GET', '/api/admin/members', admin.token)).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/api/admin/members'],
      ['GET', '/api/admin/usage'],
      ['GET', '/api/admin/keys'],
      ['POST', '/api/admin/keys'],
      ['PUT', '/api/admin/models'],
      ['GET', '/api/admin/usage.csv'],
      ['PUT', `/api/admin/members/${m.id}/limits`],
    ] as const) {
      const r = await team.api(method, path, m.token, method === 'GET' ? undefined : {});
      expect([path, r.status, r.body.error.code, r.body.error.type]).toEqual([path, 403, 'PERMISSION_DENIED', 'permission_error']);
      const anon = await team.api(method, path, null, method === 'GET' ? undefined : {});
      expect([path, anon.status, anon.body.error.code]).toEqual([path, 401, 'UNAUTHORIZED']);
    }
    // An admin may not create admins or touch the owner.
    expect((await team.api('POST', '/api/admin/members', admin.token, { name: 'x', role: 'admin' })).status).toBe(403);
    const me = await team.api('GET', '/api/me', m.token);
    expect(me.body).toMatchObject({ id: m.id, name: 'Plain member', role: 'member', limits: { dailyTokens: null, monthlyUsd: null }, used: { dailyTokens: 0, monthlyUsd: 0 } });
  });

  it('stores tokens as hashes; a reissued or removed member\'s token stops working at once; expiring tokens expire', async () => {
    const m = await team.member('Rotating');
    const rows = await team.server.db.query('SELECT encode(hash, $1) AS h FROM member_tokens', ['escape']);
    expect(JSON.stringify(rows.rows)).not.toContain(m.token);
    const next = await team.api('POST', `/api/admin/members/${m.id}/token`, team.ownerToken, { expiresInDays: 30 });
    expect(next.status).toBe(201);
    expect(next.body.expiresAt).toMatch(/^\d{4}-/);
    expect((await team.api('GET', '/api/me', m.token)).status).toBe(401);
    expect((await team.api('GET', '/api/me', next.body.token)).status).toBe(200);
    await team.server.db.query("UPDATE member_tokens SET expires_at = now() - interval '1 second' WHERE member_id = $1", [m.id]);
    // Another process's change (here a direct one, announced as every change is) empties every cache.
    await team.server.db.query("SELECT pg_notify('sb_changed', 'tokens')");
    await waitFor200Not(next.body.token);
    const removed = await team.member('Leaving');
    expect((await team.api('DELETE', `/api/admin/members/${removed.id}`, team.ownerToken)).status).toBe(204);
    expect((await team.api('GET', '/api/me', removed.token)).status).toBe(401);
  });

  it('sets and clears limits (null clears) and shows them in /api/me', async () => {
    const m = await team.member('Limited');
    const set = await team.api('PUT', `/api/admin/members/${m.id}/limits`, team.ownerToken, { dailyTokens: 5000, monthlyUsd: 12.5 });
    expect(set.body.limits).toEqual({ dailyTokens: 5000, monthlyUsd: 12.5 });
    const cleared = await team.api('PUT', `/api/admin/members/${m.id}/limits`, team.ownerToken, { dailyTokens: null });
    expect(cleared.body.limits).toEqual({ dailyTokens: null, monthlyUsd: 12.5 });
    expect((await team.api('GET', '/api/me', m.token)).body.limits).toEqual({ dailyTokens: null, monthlyUsd: 12.5 });
  });
});

describe('usage sync', () => {
  it('counts a record id once per member whatever the replays and order, and reports it beside server calls', async () => {
    const m = await team.member('Syncing');
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const batch1 = ids.slice(0, 3).map((id) => record(id, { in: 100, out: 50 }));
    const batch2 = ids.slice(3).map((id) => record(id, { in: 10, out: 5 }));
    const first = await team.api('POST', '/api/sync/usage', m.token, { deviceId: 'laptop', records: batch2 });
    expect(first.body).toEqual({ accepted: 3, duplicates: 0 });
    const replay = await team.api('POST', '/api/sync/usage', m.token, { deviceId: 'laptop', records: [...batch1, ...batch2, batch1[0]] });
    expect(replay.body).toEqual({ accepted: 3, duplicates: 4 });
    expect((await team.api('POST', '/api/sync/usage', m.token, { deviceId: 'laptop', records: batch1 })).body).toEqual({ accepted: 0, duplicates: 3 });
    expect(await memberTokens(m.id)).toBe(3 * 150 + 3 * 15);
    // Calls through the team are the server's own rows: never counted again from an upload.
    const teamRow = await team.api('POST', '/api/sync/usage', m.token, { deviceId: 'laptop', records: [record(randomUUID(), { in: 1000, out: 1000 }, { source: 'team' })] });
    expect(teamRow.body).toEqual({ accepted: 0, duplicates: 1 });
    expect(await memberTokens(m.id)).toBe(495);
    // The same ids from another member are that member's records.
    const other = await team.member('Other');
    expect((await team.api('POST', '/api/sync/usage', other.token, { deviceId: 'pc', records: batch1 })).body).toEqual({ accepted: 3, duplicates: 0 });
  });

  it('counts nothing of an upload cut off mid-body, and all of it once when it is sent again', async () => {
    const m = await team.member('Cut off');
    const records = Array.from({ length: 200 }, () => record(randomUUID(), { in: 7, out: 3 }));
    const body = JSON.stringify({ deviceId: 'laptop', records });
    const url = new URL(team.url + '/api/sync/usage');
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      req.on('error', () => resolve());
      req.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await memberTokens(m.id)).toBe(0);
    expect((await team.api('POST', '/api/sync/usage', m.token, body)).body).toEqual({ accepted: 200, duplicates: 0 });
    expect((await team.api('POST', '/api/sync/usage', m.token, body)).body).toEqual({ accepted: 0, duplicates: 200 });
    expect(await memberTokens(m.id)).toBe(2000);
  });
});

describe('usage report and CSV', () => {
  it('reports every billed token of server calls and synced usage, and exports them as CSV', async () => {
    const m = await team.member('Reported');
    await team.client(m.token).chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'x [[usage:in=40,out=10,cached=15]]' }] });
    await team.api('POST', '/api/sync/usage', m.token, { deviceId: 'd', records: [record(randomUUID(), { in: 5, out: 5 }, { usage: { inputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3, outputTokens: 5, reasoningTokens: 1, estimated: false } })] });
    const usage = await team.api('GET', '/api/admin/usage', team.ownerToken);
    const row = usage.body.members.find((x: { id: string }) => x.id === m.id);
    expect(row).toMatchObject({ name: 'Reported', calls: 2, tokens: 50 + 15, server: { calls: 1, tokens: 50 }, synced: { calls: 1, tokens: 15 } });
    expect(usage.body.totals.tokens).toBe(usage.body.members.reduce((n: number, x: { tokens: number }) => n + x.tokens, 0));

    const past = await team.api('GET', '/api/admin/usage?from=2020-01-01&to=2020-01-31', team.ownerToken);
    expect(past.body.totals).toMatchObject({ calls: 0, tokens: 0 });

    const daily = await team.api('GET', '/api/admin/usage/daily', team.ownerToken);
    expect(daily.body.rows.filter((r: { memberId: string }) => r.memberId === m.id).map((r: { origin: string; tokens: number }) => [r.origin, r.tokens]).sort()).toEqual([
      ['server', 50],
      ['synced', 15],
    ]);

    const csv = await team.api('GET', '/api/admin/usage.csv', team.ownerToken);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^member_id,member_name,origin,device_id,id,time_utc,/);
    expect(lines.filter((l) => l.startsWith(m.id))).toHaveLength(2);
  });
});

describe('secrets stay out of every surface', () => {
  it('never writes the team key or a token in logs, data files or answers', async () => {
    const files = filesUnder(team.dataDir).filter((f) => !f.endsWith('owner-token'));
    for (const f of files) {
      const text = readFileSync(f, 'latin1');
      expect([f, text.includes(SECRET)]).toEqual([f, false]);
      expect([f, text.includes(team.ownerToken)]).toEqual([f, false]);
    }
    expect(team.logLines.join('\n')).not.toContain(SECRET);
    const audit = await team.api('GET', '/api/admin/audit', team.ownerToken);
    expect(audit.text).not.toContain(SECRET);
    const dump = await team.server.db.query("SELECT string_agg(t::text, '\n') AS all FROM (SELECT * FROM team_keys) t");
    expect(dump.rows[0].all).not.toContain(SECRET);
  });
});

describe('deleting a team key', () => {
  it('stops calls with it at once, without a provider request', async () => {
    const m = await team.member('After the key');
    const keys = (await team.api('GET', '/api/admin/keys', team.ownerToken)).body.keys as Array<{ id: string }>;
    for (const k of keys) expect((await team.api('DELETE', `/api/admin/keys/${k.id}`, team.ownerToken)).status).toBe(204);
    const before = Object.values(providers.fake.stats().requests).reduce((n, v) => n + v, 0);
    const r = await team.api('POST', '/v1/chat/completions', m.token, { model: 'default', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ code: 'KEY_NOT_FOUND', message: expect.stringMatching(/team has no openai key/) });
    expect(Object.values(providers.fake.stats().requests).reduce((n, v) => n + v, 0)).toBe(before);
    expect((await team.api('DELETE', `/api/admin/keys/${keys[0]!.id}`, team.ownerToken)).status).toBe(404);
  });
});
