import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatSendResponse, TeamStatus, UsageRecord } from '../../../shared/contract/index.js';
import { filesUnder, rejection, waitFor } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startTestTeam, type TestTeam } from '../../helpers/team-server.js';
import { useFakeProviders } from '../fake-providers/harness.js';
import { switchableProxy, type SwitchableProxy } from './proxy.js';

/*
 * The app's side of the team server, against the real server (server/, in this process) on a real
 * embedded PostgreSQL, with the fake providers behind it: connect, System default through the team,
 * team models, budget refusals, and the upload of the app's own usage.
 */

const providers = useFakeProviders();
let pg: TestPostgres;
let team: TestTeam;
const cores: TestCore[] = [];
const proxies: SwitchableProxy[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
  team = await startTestTeam(pg, providers.fake);
  await team.openaiDefault([{ provider: 'openai', model: 'gpt-4.1-mini' }]);
}, 120_000);

afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await team?.close();
  await pg?.stop();
});

async function core(): Promise<TestCore> {
  const c = await startTestCore({ logFile: true });
  cores.push(c);
  return c;
}

const providerCalls = () => Object.entries(providers.fake.stats().requests).filter(([k]) => k.startsWith('POST ')).reduce((n, [, v]) => n + v, 0);

async function memberUsage(id: string) {
  const r = await team.api('GET', '/api/admin/usage', team.ownerToken);
  const m = (r.body.members as Array<{ id: string; tokens: number; server: { tokens: number; calls: number }; synced: { tokens: number; calls: number } }>).find((x) => x.id === id);
  if (!m) throw new Error('member not in the report');
  return m;
}

async function ownKey(c: TestCore): Promise<string> {
  const r = await c.call<{ id: string }>('keys.add', { provider: 'openai', label: 'mine', secret: 'sk-test-own-key-0123456789abcdefghij', baseUrl: providers.fake.baseUrls.openai });
  return r.id;
}

function send(c: TestCore, target: unknown, content: string, sessionId = 's-team') {
  return c.call<ChatSendResponse>('chat.send', { sessionId, target, messages: [{ role: 'user', content }] });
}

describe('team.connect', () => {
  it('connects with a member token, names the member, and keeps the token only as ciphertext', async () => {
    const m = await team.member('Ada Lovelace', { dailyTokens: 100_000, monthlyUsd: 5 });
    const c = await core();
    const res = await c.call('team.connect', { url: `${team.url}/v1/`, token: m.token });
    expect(res).toEqual({ connected: true, member: { id: m.id, name: 'Ada Lovelace', role: 'member' } });

    const s = await c.call<TeamStatus>('team.status', { refresh: true });
    expect(s).toMatchObject({ connected: true, url: team.url, member: { id: m.id }, tokenLast4: m.token.slice(-4), tokenAvailable: true, reachable: true });
    expect(s.defaultModel).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(s.allowedModels).toContainEqual({ provider: 'openai', model: 'gpt-4.1-mini' });
    expect(s).toMatchObject({ limits: { dailyTokens: 100_000, monthlyUsd: 5 }, used: { dailyTokens: 0, monthlyUsd: 0 } });
    expect(s.budgets.map((b) => [b.scope, b.limit, b.used, b.level])).toEqual([
      ['team.dailyTokens', 100_000, 0, 'ok'],
      ['team.monthlyUsd', 5, 0, 'ok'],
    ]);
    expect(s.budgets.every((b) => b.resetsAt !== null && b.resetsAt > Date.now())).toBe(true);

    const sd = await c.call('chat.systemDefault', {});
    expect(sd).toMatchObject({ available: true, provider: 'openai', model: 'gpt-4o-mini', source: 'team' });

    // The token: never in an answer, an event, a log line, or a data file except the vault's ciphertext.
    expect(JSON.stringify([res, s, sd, c.events])).not.toContain(m.token);
    expect(c.lines.join('\n')).not.toContain(m.token);
    for (const f of filesUnder(c.dataDir)) expect(readFileSync(f).toString('latin1'), f).not.toContain(m.token);
    // Audited, without the secret.
    const audit = await c.call<{ entries: Array<{ action: string; result: string; detail?: string }> }>('keys.audit', {});
    expect(audit.entries[0]).toMatchObject({ action: 'team-connect', result: 'ok' });
  });

  it('says which field is wrong: a refused or revoked token, an address that is not a team server, nothing listening', async () => {
    const c = await core();
    const wrongToken = await rejection(c.call('team.connect', { url: team.url, token: 'sbm_not_a_real_token_at_all_0000' }));
    expect(wrongToken).toMatchObject({ code: 'KEY_INVALID', details: { field: 'token' } });

    const m = await team.member('revoked');
    await team.api('POST', `/api/admin/members/${m.id}/token`, team.ownerToken, {});
    const revoked = await rejection(c.call('team.connect', { url: team.url, token: m.token }));
    expect(revoked.code).toBe('KEY_INVALID');
    expect(revoked.message).toMatch(/revoked/);

    const notTeam = await rejection(c.call('team.connect', { url: providers.fake.url, token: m.token }));
    expect(notTeam).toMatchObject({ code: 'VALIDATION', details: { field: 'url' } });
    expect(notTeam.message).toMatch(/not a Switchboard team server/);

    const p = await switchableProxy(team.url);
    proxies.push(p);
    p.setOnline(false);
    const down = await rejection(c.call('team.connect', { url: p.url, token: m.token }));
    expect(down).toMatchObject({ code: 'NETWORK', details: { field: 'url' } });

    const bad = await rejection(c.call('team.connect', { url: 'ftp://team.example.com', token: m.token }));
    expect(bad).toMatchObject({ code: 'VALIDATION', details: { field: 'url' } });

    for (const e of [wrongToken, revoked, notTeam, down, bad]) expect(JSON.stringify(e.toPayload())).not.toContain(m.token);
    expect((await c.call<TeamStatus>('team.status', {})).connected).toBe(false);
  });
});

describe('after a restart', () => {
  it('with a saved vault the connection and token are back; kept for a session only, the app asks to connect again', async () => {
    const m = await team.member('restarter');
    const dir = tempDir('sb-team-restart-');
    try {
      const saved = await startTestCore({ dataDir: dir.path, passphrase: 'correct horse battery staple' });
      await saved.call('team.connect', { url: team.url, token: m.token });
      await saved.close();
      const back = await startTestCore({ dataDir: dir.path, passphrase: 'correct horse battery staple' });
      cores.push(back);
      expect(await back.call<TeamStatus>('team.status', {})).toMatchObject({ connected: true, tokenAvailable: true, member: { id: m.id } });
      expect(await send(back, { system: true }, 'again [[usage:in=1,out=1]]')).toMatchObject({ source: 'team', model: 'gpt-4o-mini' });
    } finally {
      dir.cleanup();
    }

    const dir2 = tempDir('sb-team-session-');
    try {
      const session = await startTestCore({ dataDir: dir2.path, env: {} });
      await session.call('team.connect', { url: team.url, token: m.token });
      await session.close();
      // The machine's environment has a key now: System default falls back to it while the team token is missing.
      const next = await startTestCore({ dataDir: dir2.path, env: { OPENAI_API_KEY: 'sk-test-env-key-0123456789abcdefghij' } });
      cores.push(next);
      const s = await next.call<TeamStatus>('team.status', {});
      expect(s).toMatchObject({ connected: true, tokenAvailable: false, url: team.url });
      expect(await next.call('chat.systemDefault', {})).toMatchObject({ available: true, source: 'environment' });
      const err = await rejection(send(next, { keyId: 'team:openai', model: 'gpt-4.1-mini' }, 'hi'));
      expect(err.message).toMatch(/earlier session/);
      // Connecting again resumes the same connection.
      await next.call('team.connect', { url: team.url, token: m.token });
      expect(await next.call('chat.systemDefault', {})).toMatchObject({ source: 'team' });
    } finally {
      dir2.cleanup();
    }
  });
});

describe('System default through the team', () => {
  it('answers with the team model (source team), recorded by the server and in the ledger', async () => {
    const m = await team.member('chatter');
    const c = await core();
    await c.call('team.connect', { url: team.url, token: m.token });
    const answer = await send(c, { system: true }, 'hello [[usage:in=11,out=7]]');
    expect(answer).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', source: 'team', keyId: 'team:default', usage: { inputTokens: 11, outputTokens: 7 } });
    expect(answer.servedModel).toBeUndefined();
    expect(answer.costUsd).toBeGreaterThan(0);
    expect((await memberUsage(m.id)).server).toMatchObject({ calls: 1, tokens: 18 });

    const { records } = await c.call<{ records: UsageRecord[] }>('usage.records', {});
    expect(records[0]).toMatchObject({ source: 'team', provider: 'openai', model: 'gpt-4o-mini', status: 'ok' });

    // A team model from the picker: "Team · openai/gpt-4.1-mini".
    const picked = await send(c, { keyId: 'team:openai', model: 'gpt-4.1-mini' }, 'pick [[usage:in=5,out=5]]');
    expect(picked).toMatchObject({ provider: 'openai', model: 'gpt-4.1-mini', source: 'team' });
    expect(JSON.stringify(c.events)).not.toContain(m.token);
  });

  it('a budget refusal (429 LIMIT_EXCEEDED) shows the server’s message, is never retried and never reaches a provider', async () => {
    const m = await team.member('tight', { dailyTokens: 50 });
    const c = await core();
    await c.call('team.connect', { url: team.url, token: m.token });
    const before = providerCalls();
    const err = await rejection(send(c, { system: true }, 'a long answer please'));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.message).toMatch(/daily/i);
    expect((err.details?.attempts as unknown[]).length).toBe(1);
    expect(providerCalls()).toBe(before);
  });

  it('a revoked token during a chat says to connect again and never falls over to the member’s own keys', async () => {
    const m = await team.member('rotated');
    const c = await core();
    await ownKey(c);
    await c.call('team.connect', { url: team.url, token: m.token });
    await team.api('POST', `/api/admin/members/${m.id}/token`, team.ownerToken, {});
    const before = providerCalls();
    const err = await rejection(send(c, { keyId: 'team:openai', model: 'gpt-4.1-mini' }, 'hi'));
    expect(err.code).toBe('KEY_NEEDS_REENTRY');
    expect(err.message).toMatch(/no longer accepts your member token/);
    expect(providerCalls()).toBe(before);
  });

  it('after disconnecting, System default is no longer the team and team models say why', async () => {
    const m = await team.member('leaver');
    const c = await core();
    await c.call('team.connect', { url: team.url, token: m.token });
    expect(await c.call('team.disconnect', {})).toEqual({ connected: false });
    expect(await c.call('chat.systemDefault', {})).toMatchObject({ available: false });
    const err = await rejection(send(c, { keyId: 'team:openai', model: 'gpt-4.1-mini' }, 'hi'));
    expect(err.code).toBe('KEY_NOT_FOUND');
    expect(err.message).toMatch(/not connected to a team server/);
    const audit = await c.call<{ entries: Array<{ action: string }> }>('keys.audit', {});
    expect(audit.entries[0]?.action).toBe('team-disconnect');
  });
});

describe('usage sync', () => {
  it('team.sync uploads the own-key call once, never the team call; a replay counts nothing', async () => {
    const m = await team.member('syncer');
    const c = await core();
    const keyId = await ownKey(c);
    await c.call('team.connect', { url: team.url, token: m.token });
    await send(c, { system: true }, 'team [[usage:in=11,out=7]]');
    await send(c, { keyId, model: 'gpt-4o-mini' }, 'mine [[usage:in=30,out=12]]');

    const first = await c.call<{ uploaded: number; pending: number }>('team.sync', {});
    expect(first).toMatchObject({ uploaded: 1, pending: 0, sharing: true });
    const usage = await memberUsage(m.id);
    expect(usage.synced).toMatchObject({ calls: 1, tokens: 42 });
    expect(usage.server).toMatchObject({ calls: 1, tokens: 18 });
    expect(usage.tokens).toBe(60);

    expect(await c.call('team.sync', {})).toMatchObject({ uploaded: 0, pending: 0 });
    expect((await memberUsage(m.id)).tokens).toBe(60);
    const s = await c.call<TeamStatus>('team.status', {});
    expect(s.sync).toMatchObject({ sharing: true, pending: 0, uploaded: 1, lastError: null });
  });

  it('uploads in the background after an own call', async () => {
    const m = await team.member('background');
    const c = await core();
    const keyId = await ownKey(c);
    await c.call('team.connect', { url: team.url, token: m.token });
    await send(c, { keyId, model: 'gpt-4o-mini' }, 'mine [[usage:in=3,out=4]]');
    // The upload waits a moment after the call (DEFAULT_TEAM_TIMINGS.syncDelayMs), so bursts go together.
    await waitFor(() => c.events.some((e) => e.name === 'team.changed'), 10_000);
    let synced = 0;
    for (let i = 0; i < 100 && synced === 0; i++) {
      synced = (await memberUsage(m.id)).synced.tokens;
      if (synced === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(synced).toBe(7);
  });

  it('with sharing off, team.sync uploads nothing and says so; calls made meanwhile are never shared', async () => {
    const m = await team.member('private');
    const c = await core();
    const keyId = await ownKey(c);
    await c.call('team.connect', { url: team.url, token: m.token });
    const off = await c.call<TeamStatus>('team.setSharing', { sharing: false });
    expect(off.sync.sharing).toBe(false);
    await send(c, { keyId, model: 'gpt-4o-mini' }, 'secret [[usage:in=100,out=100]]');
    const res = await c.call<{ uploaded: number; sharing: boolean; message: string }>('team.sync', {});
    expect(res).toMatchObject({ uploaded: 0, sharing: false });
    expect(res.message).toMatch(/Sharing is off/);

    await c.call('team.setSharing', { sharing: true });
    await send(c, { keyId, model: 'gpt-4o-mini' }, 'shared [[usage:in=1,out=2]]');
    expect(await c.call('team.sync', {})).toMatchObject({ uploaded: 1 });
    expect((await memberUsage(m.id)).synced).toMatchObject({ calls: 1, tokens: 3 });
  });

  it('an offline app keeps its calls and catches up when the server answers again; a cut upload is counted once', async () => {
    const m = await team.member('traveller');
    const p = await switchableProxy(team.url);
    proxies.push(p);
    const c = await core();
    const keyId = await ownKey(c);
    await c.call('team.connect', { url: p.url, token: m.token });

    p.setOnline(false);
    for (let i = 0; i < 3; i++) await send(c, { keyId, model: 'gpt-4o-mini' }, `offline ${i} [[usage:in=10,out=10]]`);
    const err = await rejection(c.call('team.sync', {}));
    expect(err.code).toBe('NETWORK');
    expect(err.message).toMatch(/3 calls wait/);
    const s = await c.call<TeamStatus>('team.status', {});
    expect(s.sync.pending).toBe(3);
    expect(s.sync.lastError?.code).toBe('NETWORK');
    expect(s.sync.nextAttemptAt).toBeGreaterThan(Date.now());

    // The server stores the batch, then the connection is cut before the app hears the answer.
    p.setOnline(true);
    p.cutNextAnswer('/api/sync/usage');
    await rejection(c.call('team.sync', {}));
    expect((await memberUsage(m.id)).synced).toMatchObject({ calls: 3, tokens: 60 });
    expect((await c.call<TeamStatus>('team.status', {})).sync.pending).toBe(3);

    // The replay is answered as duplicates; nothing is counted twice.
    expect(await c.call('team.sync', {})).toMatchObject({ uploaded: 3, pending: 0 });
    expect((await memberUsage(m.id)).synced).toMatchObject({ calls: 3, tokens: 60 });
    expect((await c.call<TeamStatus>('team.status', {})).sync.lastError).toBeNull();
  });
});
