import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { TeamClient } from '../../../electron/core/team/team-client.js';
import { isInsecureTeamUrl, normalizeTeamUrl } from '../../../electron/core/team/team-url.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TOKEN = 'sbm_test_token_0123456789abcdefXYZ';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, server: Server = createServer(), proto = 'http'): Promise<string> {
  server.on('request', handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${proto}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(JSON.stringify(e.toPayload())).not.toContain(TOKEN);
    return e;
  }
  throw new Error('expected a failure');
}

const ME = { id: 'm1', name: 'Ada', role: 'member', limits: { dailyTokens: 1000, monthlyUsd: null }, used: { dailyTokens: 10, monthlyUsd: 0.5 } };

describe('team server address', () => {
  it('keeps origin and proxy prefix, drops a pasted /v1 or API tail', () => {
    expect(normalizeTeamUrl('https://team.example.com/')).toBe('https://team.example.com');
    expect(normalizeTeamUrl(' https://team.example.com/v1 ')).toBe('https://team.example.com');
    expect(normalizeTeamUrl('https://example.com/switchboard/api/me?x=1#y')).toBe('https://example.com/switchboard');
    expect(normalizeTeamUrl('http://127.0.0.1:8787/v1/')).toBe('http://127.0.0.1:8787');
  });

  it('calls plain http to another machine insecure, not to this one', () => {
    expect(isInsecureTeamUrl('http://10.0.0.5:8787')).toBe(true);
    expect(isInsecureTeamUrl('http://127.0.0.1:8787')).toBe(false);
    expect(isInsecureTeamUrl('http://localhost:8787')).toBe(false);
    expect(isInsecureTeamUrl('https://team.example.com')).toBe(false);
  });
});

describe('team client', () => {
  it('reads /api/me with the member token as a bearer token', async () => {
    let auth = '';
    const url = await serve((req, res) => {
      auth = req.headers.authorization ?? '';
      json(res, 200, ME);
    });
    const me = await new TeamClient({ url, token: TOKEN }).me();
    expect(me).toMatchObject({ id: 'm1', name: 'Ada', limits: { dailyTokens: 1000, monthlyUsd: null } });
    expect(auth).toBe(`Bearer ${TOKEN}`);
  });

  it('a refused token says so, naming the token field', async () => {
    const url = await serve((_req, res) => json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'invalid token', type: 'authentication_error' } }));
    const e = await failure(new TeamClient({ url, token: TOKEN }).me());
    expect(e.code).toBe('KEY_INVALID');
    expect(e.details?.field).toBe('token');
    expect(e.message).toMatch(/revoked|mistyped/);
  });

  it('a server that is not a team server (HTML, other JSON, other 401) is named as such', async () => {
    const html = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>Not found</html>');
    });
    const other = await serve((_req, res) => json(res, 200, { hello: 'world' }));
    const basic = await serve((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic' });
      res.end('login');
    });
    for (const url of [html, other, basic]) {
      const e = await failure(new TeamClient({ url, token: TOKEN }).me());
      expect(e.code).toBe('VALIDATION');
      expect(e.details?.field).toBe('url');
      expect(e.message).toMatch(/not a Switchboard team server/);
    }
  });

  it('a wrong address (nothing listening) is a network error naming the url field', async () => {
    const url = await serve((_req, res) => json(res, 200, ME));
    await new Promise((r) => servers.pop()!.close(r));
    const e = await failure(new TeamClient({ url, token: TOKEN }).me());
    expect(e.code).toBe('NETWORK');
    expect(e.details?.field).toBe('url');
    expect(e.message).toMatch(/connection refused/);
  });

  it('never follows a redirect (the token stays with the address the member gave)', async () => {
    let seen = 0;
    const target = await serve((_req, res) => {
      seen++;
      json(res, 200, ME);
    });
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: `${target}/api/me` });
      res.end();
    });
    const e = await failure(new TeamClient({ url, token: TOKEN }).me());
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain(target);
    expect(seen).toBe(0);
  });

  it('a server that does not answer in time is a timeout', async () => {
    const url = await serve(() => undefined);
    const e = await failure(new TeamClient({ url, token: TOKEN, timeoutMs: 200 }).me());
    expect(e.code).toBe('TIMEOUT');
  });

  it('a server error says the server had a problem', async () => {
    const url = await serve((_req, res) => json(res, 503, { error: { code: 'PROVIDER_UNAVAILABLE', message: 'database down' } }));
    const e = await failure(new TeamClient({ url, token: TOKEN }).me());
    expect(e.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e.message).toMatch(/HTTP 503/);
  });

  describe('TLS', () => {
    const dir = tempDir('sb-tls-');
    afterAll(() => dir.cleanup());

    it('an untrusted certificate is a clear network error, and https to a plain http port says so', async () => {
      const key = join(dir.path, 'key.pem');
      const cert = join(dir.path, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) });
      const url = await serve((_req, res) => json(res, 200, ME), tls, 'https');
      const e = await failure(new TeamClient({ url, token: TOKEN }).me());
      expect(e.code).toBe('NETWORK');
      expect(e.message).toMatch(/certificate is not trusted/);
      expect(e.details?.field).toBe('url');

      const plain = await serve((_req, res) => json(res, 200, ME));
      const e2 = await failure(new TeamClient({ url: plain.replace(/^http:/, 'https:'), token: TOKEN }).me());
      expect(e2.code).toBe('NETWORK');
      expect(e2.message).toMatch(/https/);
    });
  });

  it('lists the allowed models and the default from /v1/models', async () => {
    const url = await serve((_req, res) =>
      json(res, 200, {
        object: 'list',
        data: [
          { id: 'default', object: 'model', owned_by: 'openai', model: 'openai/gpt-4o-mini' },
          { id: 'openai/gpt-4o-mini', object: 'model' },
          { id: 'anthropic/claude-haiku-4-5', object: 'model' },
          { id: 'not-a-provider/x', object: 'model' },
        ],
      }),
    );
    const models = await new TeamClient({ url, token: TOKEN }).models();
    expect(models.default).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(models.allowed).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'anthropic', model: 'claude-haiku-4-5' },
    ]);
  });
});
