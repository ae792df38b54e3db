import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/core/app/logger.js';
import { Replica } from '../../../server/budget/replica.js';
import { createPool } from '../../../server/db/pool.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { useFakeProviders } from '../fake-providers/harness.js';

const providers = useFakeProviders();
let pg: TestPostgres;
const dirs: Array<{ cleanup: () => void }> = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await pg?.stop();
  for (const d of dirs) d.cleanup();
}, 60_000);

interface Proc {
  child: ChildProcess;
  url: string;
  dataDir: string;
  output: () => string;
}

/** `npm run server`'s own entry point, as a separate process. */
function startServer(databaseUrl: string, masterKeyFile: string): Promise<Proc> {
  const dir = tempDir('sb-replica-');
  dirs.push(dir);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.endsWith('_API_KEY')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--data-dir', dir.path, '--database-url', databaseUrl, '--master-key-file', masterKeyFile], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, dataDir: dir.path, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

async function api(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

const providerCalls = () => Object.entries(providers.fake.stats().requests).filter(([k]) => k.startsWith('POST ')).reduce((n, [, v]) => n + v, 0);

describe('two server processes on one database', () => {
  it('create exactly one team and owner token when started together, share budgets with zero overshoot, and never send a refused call', async () => {
    const url = await pg.newDatabase();
    const keyDir = tempDir('sb-mk-');
    dirs.push(keyDir);
    const mk = join(keyDir.path, 'master-key');
    writeFileSync(mk, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });

    const [a, b] = await Promise.all([startServer(url, mk), startServer(url, mk)]);
    const owners = [a, b].filter((p) => existsSync(join(p.dataDir, 'owner-token')));
    expect(owners).toHaveLength(1);
    const owner = readFileSync(join(owners[0]!.dataDir, 'owner-token'), 'utf8').trim();

    expect((await api(a.url, 'POST', '/api/admin/keys', owner, { provider: 'openai', secret: 'sk-replica-test-0123456789', baseUrl: providers.fake.baseUrls.openai })).status).toBe(201);
    // Set on one process, seen by the other at once (change notifications).
    expect((await api(b.url, 'PUT', '/api/admin/models', owner, { default: { provider: 'openai', model: 'gpt-4o-mini' } })).status).toBe(200);
    const members: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < 12; i++) {
      const m = await api(i % 2 ? a.url : b.url, 'POST', '/api/admin/members', owner, { name: `member ${i}` });
      await api(a.url, 'PUT', `/api/admin/members/${m.body.id}/limits`, owner, { dailyTokens: 250 });
      members.push(m.body);
    }

    const before = providerCalls();
    const jobs = members.flatMap((m, i) => Array.from({ length: 8 }, (_, k) => ({ i, m, base: k % 2 ? a.url : b.url })));
    const results = await Promise.all(
      jobs.map(async ({ i, m, base }) => {
        const client = new OpenAI({ apiKey: m.token, baseURL: `${base}/v1`, maxRetries: 0, timeout: 60_000 });
        try {
          const stream = await client.chat.completions.create({ model: 'default', stream: true, max_tokens: 60, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hi [[usage:in=20,out=50]]' }] });
          let usage = null;
          for await (const c of stream) if (c.usage) usage = c.usage;
          return { i, status: 200, total: usage?.total_tokens ?? null };
        } catch (e) {
          const err = e as InstanceType<typeof OpenAI.APIError>;
          return { i, status: err.status ?? 0, code: (err.error as { code?: string } | undefined)?.code };
        }
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok.length + refused.length).toBe(results.length);
    expect(refused.every((r) => r.code === 'LIMIT_EXCEEDED')).toBe(true);
    expect(ok.every((r) => r.total === 70)).toBe(true);
    expect(providerCalls() - before).toBe(ok.length);
    const usage = await api(a.url, 'GET', '/api/admin/usage', owner);
    members.forEach((m, i) => {
      const row = usage.body.members.find((x: { id: string }) => x.id === m.id);
      const admitted = ok.filter((r) => r.i === i).length;
      expect(admitted).toBeGreaterThanOrEqual(1);
      expect(row.tokens).toBe(70 * admitted);
      expect(row.tokens).toBeLessThanOrEqual(250);
    });
  }, 180_000);

  it('settles the calls of a process killed mid-call as interrupted at their reservation', async () => {
    const url = await pg.newDatabase();
    const keyDir = tempDir('sb-mk-');
    dirs.push(keyDir);
    const mk = join(keyDir.path, 'master-key');
    writeFileSync(mk, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const a = await startServer(url, mk);
    const owner = readFileSync(join(a.dataDir, 'owner-token'), 'utf8').trim();
    await api(a.url, 'POST', '/api/admin/keys', owner, { provider: 'openai', secret: 'sk-replica-test-0123456789', baseUrl: providers.fake.baseUrls.openai });
    await api(a.url, 'PUT', '/api/admin/models', owner, { default: { provider: 'openai', model: 'gpt-4o-mini' } });
    const m = (await api(a.url, 'POST', '/api/admin/members', owner, { name: 'victim' })).body;
    await api(a.url, 'PUT', `/api/admin/members/${m.id}/limits`, owner, { dailyTokens: 10_000 });

    const client = new OpenAI({ apiKey: m.token, baseURL: `${a.url}/v1`, maxRetries: 0, timeout: 60_000 });
    const pending = client.chat.completions.create({ model: 'default', max_tokens: 100, messages: [{ role: 'user', content: 'wait [[fault:stall]]' }] }).catch(() => null);
    const db = createPool({ url, max: 2 });
    try {
      let open = 0;
      for (let i = 0; i < 200 && open === 0; i++) {
        open = (await db.query("SELECT count(*)::int AS n FROM calls WHERE status = 'reserved'")).rows[0].n;
        if (open === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(open).toBe(1);
      a.child.kill('SIGKILL');
      await pending;
      const reserved = (await db.query('SELECT reserved_tokens FROM calls')).rows[0].reserved_tokens as number;
      // Another process (here: a sweep that takes one second of silence for death) finds it.
      await new Promise((r) => setTimeout(r, 1200));
      expect(await new Replica(db, randomUUID(), createLogger({ write: () => {} }), { deadAfterMs: 1000 }).sweep()).toBe(1);
      const row = (await db.query('SELECT status, input_tokens + output_tokens AS tokens FROM calls')).rows[0];
      expect(row).toEqual({ status: 'interrupted', tokens: reserved });
      const counter = (await db.query("SELECT used, reserved FROM budget_counters WHERE scope = 'member_day_tokens' AND subject = $1", [m.id])).rows[0];
      expect(counter).toEqual({ used: reserved, reserved: 0 });
    } finally {
      await db.end();
    }
  }, 120_000);
});
