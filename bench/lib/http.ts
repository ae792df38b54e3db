import { type Agent, type ClientRequest, request } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface HostAddress {
  port: number;
  token: string;
}

/** POST /api/rpc/<method> with a JSON body; resolves with the status and the raw body text. */
export function rpc(host: HostAddress, method: string, input: unknown, agent: Agent): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        method: 'POST',
        path: `/api/rpc/${method}`,
        agent,
        headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface SseClient {
  close(): void;
}

/**
 * GET /api/events the way a renderer would read it (eventsource-parser over a plain HTTP response);
 * `onEvent` runs as soon as each event is parsed. Resolves once the host has answered 200.
 */
export function connectEvents(host: HostAddress, onEvent: (ev: EventSourceMessage) => void): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | null = null;
    const parser = createParser({ onEvent });
    req = request(
      { host: '127.0.0.1', port: host.port, method: 'GET', path: '/api/events', headers: { Authorization: `Bearer ${host.token}`, Accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET /api/events answered ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        // The host ends the stream on close; a reset then is expected, not a failure.
        res.on('error', () => {});
        resolve({ close: () => req?.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
