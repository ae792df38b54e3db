import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEventStream } from '../../../renderer/src/bridge/event-stream.js';
import type { ConnectionState } from '../../../renderer/src/bridge/types.js';

let server: Server;
let url: string;
let onRequest: (res: ServerResponse, n: number) => void;
let requests = 0;

beforeEach(async () => {
  requests = 0;
  server = createServer((_req, res) => onRequest(res, ++requests));
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function harness() {
  const states: ConnectionState[] = [];
  const messages: string[] = [];
  const delays: number[] = [];
  let unauthorized = 0;
  return {
    states,
    messages,
    delays,
    unauthorized: () => unauthorized,
    options: {
      url,
      token: 'tok-abcdefghijklmnopqrstuvwxyz',
      fetch: globalThis.fetch,
      onMessage: (name: string, data: string) => messages.push(`${name}:${data}`),
      onState: (s: ConnectionState) => states.push(s),
      onUnauthorized: () => void unauthorized++,
      random: () => 0.5,
      // Instant reconnects keep the test quick; the delays asked for are recorded.
      sleep: async (ms: number) => {
        delays.push(ms);
      },
    },
  };
}

describe('openEventStream', () => {
  it('reconnects when the stream drops and when the host is briefly away', async () => {
    onRequest = (res, n) => {
      if (n === 2) return void res.writeHead(503).end(); // host restarting
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`event: vault.changed\ndata: {"n":${n}}\n\n`);
      if (n < 3) res.end(); // drop the stream
    };
    const h = harness();
    const stream = openEventStream(h.options);
    await expect.poll(() => h.messages.length).toBe(2);
    stream.stop();
    expect(h.messages).toEqual(['vault.changed:{"n":1}', 'vault.changed:{"n":3}']);
    expect(h.states.slice(0, 3)).toEqual(['connecting', 'open', 'reconnecting']);
    expect(h.states).toContain('open');
    // After the failed attempt the wait grows (backoff); a clean connection resets it.
    expect(h.delays[0]).toBeLessThan(h.delays[1]!);
    await expect.poll(() => h.states.at(-1)).toBe('closed');
  });

  it('honours the server retry interval', async () => {
    onRequest = (res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('retry: 7000\n\n');
    };
    const h = harness();
    const stream = openEventStream(h.options);
    await expect.poll(() => h.delays.length).toBeGreaterThan(0);
    stream.stop();
    expect(h.delays[0]).toBe(7000);
  });

  it('stops for good on 401', async () => {
    onRequest = (res) => void res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":{"code":"UNAUTHORIZED","message":"no"}}');
    const h = harness();
    openEventStream(h.options);
    await expect.poll(() => h.unauthorized()).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toBe(1);
    expect(h.states.at(-1)).toBe('closed');
  });

  it('stop() ends a connected stream', async () => {
    onRequest = (res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': open\n\n');
    };
    const h = harness();
    const stream = openEventStream(h.options);
    await expect.poll(() => h.states.includes('open')).toBe(true);
    stream.stop();
    await expect.poll(() => h.states.at(-1)).toBe('closed');
    expect(requests).toBe(1);
  });
});
