import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireResponse } from './types.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/**
 * One request and its response, with a signal that fires when the response closes for any reason,
 * so delays and stalls end as soon as the client goes away.
 */
export class Exchange {
  readonly url: URL;
  /** Path with percent-escapes decoded (Gemini model ids travel as `models/x:generateContent`). */
  readonly path: string;
  /** Set when the fake cuts the connection on purpose, so it is not counted as a client abort. */
  cutByServer = false;
  private readonly controller = new AbortController();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = this.url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape stays as sent; routing will answer 404.
    }
    this.path = path;
    res.on('close', () => this.controller.abort());
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get open(): boolean {
    return !this.controller.signal.aborted && !this.res.destroyed;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  async readBody(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buf.length;
      if (size > MAX_BODY_BYTES) throw new BodyTooLarge('request body too large');
      chunks.push(buf);
    }
    return Buffer.concat(chunks);
  }

  send(response: WireResponse): void {
    if (!this.open) return;
    const body = Buffer.from(response.body, 'utf8');
    this.res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
    this.res.end(body);
  }

  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  /** Drops the connection without a proper end, as a crashed upstream or a broken proxy would. */
  cut(): void {
    this.cutByServer = true;
    this.res.destroy();
  }
}

/** Waits, but wakes early when the signal fires (the client left, or the server is closing). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
