import { mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../../electron/host/server.js';
import { TOKEN_FILE, writeHostToken } from '../../../electron/host/token.js';
import { CONTENT_SECURITY_POLICY } from '../../../shared/security/csp.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { tempDir } from '../../helpers/temp-dir.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(host: WebHost, method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('web host', () => {
  const dir = tempDir();
  const staticDir = join(dir.path, 'static');
  const dataDir = join(dir.path, 'data');
  let t: TestCore;
  let host: WebHost;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

  beforeAll(async () => {
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><html><body>app</body></html>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    t = await startTestCore({ dataDir });
    token = writeHostToken(dataDir);
    host = await startWebHost({ core: t.core, token, staticDir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await t.close();
    dir.cleanup();
  });

  it('writes the token file readable by the owner only', () => {
    const file = join(dataDir, TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(token.length).toBeGreaterThanOrEqual(40);
  });

  it('serves the renderer with the content security policy', async () => {
    const r = await http(host, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<html');
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-cache');
    const asset = await http(host, 'GET', '/assets/app.js');
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('falls back to index.html for app routes and 404s missing assets', async () => {
    expect((await http(host, 'GET', '/conversations/abc')).body).toContain('<html');
    expect((await http(host, 'GET', '/assets/missing.js')).status).toBe(404);
    // The URL parser resolves encoded dot segments at the root, so the worst case is the app shell.
    const climb = await http(host, 'GET', '/%2e%2e/%2e%2e/etc/passwd');
    expect(climb.body).not.toContain('root:');
    expect(climb.body).toContain('<html');
  });

  it('refuses API calls without the right token', async () => {
    const none = await http(host, 'POST', '/api/rpc/settings.get', { body: '{}' });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('UNAUTHORIZED');
    const wrong = await http(host, 'POST', '/api/rpc/settings.get', { body: '{}', headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const events = await http(host, 'GET', '/api/events');
    expect(events.status).toBe(401);
  });

  it('runs a contract method', async () => {
    const r = await http(host, 'POST', '/api/rpc/settings.get', { body: '{}', headers: auth() });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ keyFailover: true, credentialChangesPerHour: 10 });
  });

  it('answers 400 VALIDATION naming the field', async () => {
    const r = await http(host, 'POST', '/api/rpc/settings.set', { body: JSON.stringify({ keyFailover: 'yes' }), headers: auth() });
    expect(r.status).toBe(400);
    const error = JSON.parse(r.body).error;
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('keyFailover');
    expect(error.details.field).toBe('keyFailover');
  });

  it('answers 400 for a body that is not JSON, and 404 for an unknown method', async () => {
    const bad = await http(host, 'POST', '/api/rpc/settings.get', { body: '{nope', headers: auth() });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('VALIDATION');
    const unknown = await http(host, 'POST', '/api/rpc/no.such', { body: '{}', headers: auth() });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('NOT_FOUND');
  });

  it('refuses DNS-rebinding hosts and cross-site origins', async () => {
    const rebind = await http(host, 'POST', '/api/rpc/settings.get', { body: '{}', headers: { ...auth(), Host: `evil.example:${host.port}` } });
    expect(rebind.status).toBe(421);
    const cross = await http(host, 'POST', '/api/rpc/settings.get', { body: '{}', headers: { ...auth(), Origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    const same = await http(host, 'POST', '/api/rpc/settings.get', { body: '{}', headers: { ...auth(), Origin: `http://127.0.0.1:${host.port}` } });
    expect(same.status).toBe(200);
  });

  it('refuses GET on RPC routes', async () => {
    const r = await http(host, 'GET', '/api/rpc/settings.get', { headers: auth() });
    expect(r.status).toBe(405);
  });

  it('opens an event stream', async () => {
    const got = await new Promise<{ status: number; type: string | undefined; first: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: auth() }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], first: chunk });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(got.status).toBe(200);
    expect(got.type).toContain('text/event-stream');
    expect(got.first).toContain(': connected');
  });

  it('listens on loopback only', () => {
    const addr = host.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
  });
});
