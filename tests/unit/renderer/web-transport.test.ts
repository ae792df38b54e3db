import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../renderer/src/bridge/errors.js';
import { createWebBridge } from '../../../renderer/src/bridge/web-transport.js';

const TOKEN = 'test-token-abcdefghijklmnopqrstuvwxyz012345';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

beforeEach(async () => {
  seen.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      handler(req, res, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

describe('web bridge calls', () => {
  it('POSTs the request to /api/rpc/<method> with the bearer token', async () => {
    handler = (_req, res) => json(res, 200, { name: 'Switchboard', version: '0.1.0' });
    const bridge = createWebBridge({ token: TOKEN, baseUrl, events: false });
    const info = await bridge.call('keys.list', { provider: 'openai' });
    expect(info).toEqual({ name: 'Switchboard', version: '0.1.0' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/rpc/keys.list', auth: `Bearer ${TOKEN}` });
    expect(JSON.parse(seen[0]!.body)).toEqual({ provider: 'openai' });
    bridge.close();
  });

  it('turns {error:{code,message,details}} into a BridgeError', async () => {
    handler = (_req, res) => json(res, 400, { error: { code: 'KEY_INVALID', message: 'OpenAI rejected the API key.', details: { hint: 'Copy it again.' } } });
    const bridge = createWebBridge({ token: TOKEN, baseUrl, events: false });
    const err = await bridge.call('keys.add', { provider: 'openai', secret: 'sk-test-x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: 'KEY_INVALID', message: 'OpenAI rejected the API key.', details: { hint: 'Copy it again.' }, status: 400 });
    bridge.close();
  });

  it('reports a 401 once and fails the call with UNAUTHORIZED', async () => {
    handler = (_req, res) => json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'Missing or wrong bearer token.' } });
    let reported = 0;
    const bridge = createWebBridge({ token: TOKEN, baseUrl, events: false, onUnauthorized: () => reported++ });
    await expect(bridge.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(bridge.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(reported).toBe(1);
    expect(bridge.connectionState()).toBe('closed');
    bridge.close();
  });

  it('gives a readable error when a proxy answers with HTML', async () => {
    handler = (_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>');
    const bridge = createWebBridge({ token: TOKEN, baseUrl, events: false });
    const err = (await bridge.call('app.info', {}).catch((e: unknown) => e)) as BridgeError;
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.message).not.toContain('<h1>');
    bridge.close();
  });

  it('maps an unreachable host to NETWORK', async () => {
    const bridge = createWebBridge({ token: TOKEN, baseUrl: 'http://127.0.0.1:1', events: false });
    await expect(bridge.call('app.info', {})).rejects.toMatchObject({ code: 'NETWORK' });
    bridge.close();
  });

  it('maps an aborted call to CANCELLED', async () => {
    handler = () => undefined; // never answers
    const bridge = createWebBridge({ token: TOKEN, baseUrl, events: false });
    const controller = new AbortController();
    const pending = bridge.call('app.info', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    bridge.close();
  });

  it('downloads usage.exportCsv as a file and counts its rows', async () => {
    const csv = 'time,provider,note\r\n1,openai,"two\r\nlines"\r\n2,gemini,x\r\n';
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="switchboard-usage-2026.csv"' });
      res.write(csv.slice(0, 30));
      res.end(csv.slice(30));
    };
    const saved: { name: string; text: string; type: string }[] = [];
    const bridge = createWebBridge({
      token: TOKEN,
      baseUrl,
      events: false,
      saveFile: (blob, name) => void blob.text().then((text) => saved.push({ name, text, type: blob.type })),
    });
    const result = await bridge.call('usage.exportCsv', {});
    expect(result).toEqual({ saved: true, rows: 2 });
    await new Promise((r) => setTimeout(r, 10));
    expect(saved).toEqual([{ name: 'switchboard-usage-2026.csv', text: csv, type: 'text/csv;charset=utf-8' }]);
    bridge.close();
  });
});

describe('web bridge events', () => {
  it('reads SSE with the token, parses events with the contract, drops bad ones', async () => {
    handler = (req, res) => {
      if (req.url !== '/api/events') return json(res, 404, {});
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': connected\n\n');
      res.write('event: keys.changed\ndata: {"provider":"openai","keyId":"k1"}\n\n');
      res.write('event: keys.changed\ndata: {"provider":"not-a-provider"}\n\n'); // fails the schema
      res.write('event: chat.delta\ndata: not json\n\n');
      res.write('event: unknown.event\ndata: {}\n\n');
      // One event split across writes.
      res.write('event: chat.delta\ndata: {"streamId":"s1","sessi');
      setTimeout(() => res.write('onId":"c1","text":"Hel"}\n\n'), 10);
    };
    const bridge = createWebBridge({ token: TOKEN, baseUrl });
    const got: unknown[] = [];
    bridge.onEvent('keys.changed', (p) => got.push(['keys.changed', p]));
    bridge.onEvent('chat.delta', (p) => got.push(['chat.delta', p]));
    await expect.poll(() => got.length).toBe(2);
    expect(got).toEqual([
      ['keys.changed', { provider: 'openai', keyId: 'k1' }],
      ['chat.delta', { streamId: 's1', sessionId: 'c1', text: 'Hel' }],
    ]);
    expect(seen.find((s) => s.url === '/api/events')?.auth).toBe(`Bearer ${TOKEN}`);
    expect(bridge.connectionState()).toBe('open');
    bridge.close();
  });

  it('a handler that throws does not stop the others', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('event: vault.changed\ndata: {}\n\n');
    };
    const bridge = createWebBridge({ token: TOKEN, baseUrl });
    let second = 0;
    const origError = console.error;
    console.error = () => undefined;
    try {
      bridge.onEvent('vault.changed', () => {
        throw new Error('boom');
      });
      bridge.onEvent('vault.changed', () => second++);
      await expect.poll(() => second).toBe(1);
    } finally {
      console.error = origError;
      bridge.close();
    }
  });

  it('an unsubscribed handler hears nothing more', async () => {
    let send: ((frame: string) => void) | undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': hi\n\n');
      send = (f) => res.write(f);
    };
    const bridge = createWebBridge({ token: TOKEN, baseUrl });
    const got: unknown[] = [];
    const off = bridge.onEvent('vault.changed', (p) => got.push(p));
    await expect.poll(() => send !== undefined).toBe(true);
    send!('event: vault.changed\ndata: {}\n\n');
    await expect.poll(() => got.length).toBe(1);
    off();
    send!('event: vault.changed\ndata: {}\n\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    bridge.close();
  });
});
