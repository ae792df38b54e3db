import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * A one-answer HTTP server for provider errors the fake server has no directive for on its model
 * listings (quota, region, ...): each test sets the exact answer, rendered by the fake server's own
 * wire renderers where they exist. `hang` never answers (timeouts).
 */
export async function startStub(): Promise<{ url: string; set(a: StubAnswer | 'hang'): void; close(): Promise<void> }> {
  let answer: StubAnswer | 'hang' = { status: 200, body: '{}' };
  const server: Server = createServer((req, res) => {
    req.resume();
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    set: (a) => {
      answer = a;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
