import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createLogger } from '../../electron/core/app/logger.js';
import { startTeamServer, type TeamServer, type TeamServerOptions } from '../../server/app.js';
import type { FakeProviders } from '../fake-providers/index.js';
import type { TestPostgres } from './postgres.js';
import { tempDir } from './temp-dir.js';

export interface Api {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface TestTeam {
  server: TeamServer;
  url: string;
  dataDir: string;
  ownerToken: string;
  /** Every log line the server wrote (for leak checks). */
  logLines: string[];
  api(method: string, path: string, token: string | null, body?: unknown, headers?: Record<string, string>): Promise<Api>;
  /** A member with a token, optional daily/monthly limits. */
  member(name: string, limits?: { dailyTokens?: number | null; monthlyUsd?: number | null }, role?: 'member' | 'admin'): Promise<{ id: string; token: string }>;
  /** Adds an OpenAI key pointed at the fake providers and makes gpt-4o-mini the default (plus `allowed`). */
  openaiDefault(allowed?: Array<{ provider: string; model: string }>): Promise<string>;
  client(token: string): OpenAI;
  close(): Promise<void>;
}

/** A team server in this process on a fresh database of the test cluster, with quick router timeouts. */
export async function startTestTeam(pg: TestPostgres, fake: FakeProviders | null, extra: Partial<TeamServerOptions> = {}): Promise<TestTeam> {
  const dir = tempDir('sb-team-test-');
  const logLines: string[] = [];
  const logger = createLogger({ write: (l) => logLines.push(l), file: join(dir.path, 'logs', 'team-server.log') });
  const server = await startTeamServer({
    dataDir: dir.path,
    databaseUrl: await pg.newDatabase(),
    port: 0,
    logger,
    router: { retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 50 }, timeouts: { idleMs: 5000, requestMs: 10000 } },
    ...extra,
  });
  const ownerToken = readFileSync(join(dir.path, 'owner-token'), 'utf8').trim();
  const api: TestTeam['api'] = async (method, path, token, body, headers = {}) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    server,
    url: server.url,
    dataDir: dir.path,
    ownerToken,
    logLines,
    api,
    async member(name, limits, role = 'member') {
      const r = await api('POST', '/api/admin/members', ownerToken, { name, role });
      if (r.status !== 201) throw new Error(`member: ${r.status} ${r.text}`);
      if (limits) {
        const l = await api('PUT', `/api/admin/members/${r.body.id}/limits`, ownerToken, limits);
        if (l.status !== 200) throw new Error(`limits: ${l.status} ${l.text}`);
      }
      return r.body as { id: string; token: string };
    },
    async openaiDefault(allowed) {
      if (!fake) throw new Error('no fake providers');
      const k = await api('POST', '/api/admin/keys', ownerToken, { provider: 'openai', secret: 'sk-team-test-key-0123456789abcdef', baseUrl: fake.baseUrls.openai, label: 'team' });
      if (k.status !== 201) throw new Error(`key: ${k.status} ${k.text}`);
      const m = await api('PUT', '/api/admin/models', ownerToken, { default: { provider: 'openai', model: 'gpt-4o-mini' }, ...(allowed ? { allowed } : {}) });
      if (m.status !== 200) throw new Error(`models: ${m.status} ${m.text}`);
      return k.body.id as string;
    },
    client(token) {
      return new OpenAI({ apiKey: token, baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 20_000 });
    },
    async close() {
      await server.close();
      dir.cleanup();
    },
  };
}
