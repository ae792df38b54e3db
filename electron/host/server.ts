import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { AppError, httpStatusFor, isDownloadMethod } from '../../shared/contract/index.js';
import type { CallContext } from '../core/app/context.js';
import { toAppError } from '../core/app/dispatcher.js';
import type { Core } from '../core/core.js';
import { sendCsvDownload } from '../core/metering/csv-response.js';
import { EventStream } from './event-stream.js';
import { hostAllowed, originAllowed } from './origin-guard.js';
import { serveStatic } from './static-files.js';
import { bearerMatches } from './token.js';

export interface WebHostOptions {
  core: Core;
  token: string;
  /** Built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Request bodies above this are refused (long conversations fit comfortably). */
  maxBodyBytes?: number;
}

export interface WebHost {
  readonly port: number;
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/** Serves the renderer and the contract over HTTP on 127.0.0.1 only (DESIGN.md section 2). */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core, token, staticDir } = options;
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const events = new EventStream();
  const unsubscribe = core.onEvent((event) => events.send(event));
  let port = options.port;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      core.logger.error('web host request failed', { err });
      if (!res.headersSent) sendError(res, toAppError(err));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const path = url.pathname;

    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      serveStatic(staticDir, path, res, req.method);
      return;
    }

    if (!originAllowed(req.headers.origin, port)) {
      sendError(res, new AppError('UNAUTHORIZED', 'Requests from other sites are refused.'), 403);
      return;
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, new AppError('UNAUTHORIZED', 'Missing or wrong bearer token. It is in the host-token file of the data folder.'));
      return;
    }

    if (path === '/api/events') {
      if (req.method !== 'GET') return void res.writeHead(405, { Allow: 'GET' }).end();
      events.add(res);
      return;
    }

    const m = /^\/api\/rpc\/([A-Za-z0-9_.-]+)$/.exec(path);
    if (!m?.[1]) {
      sendError(res, new AppError('NOT_FOUND', `No API route ${path}`));
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, new AppError('VALIDATION', 'Use POST with a JSON body.'), 405);
      return;
    }
    const method = m[1];
    const ctx: CallContext = { transport: 'web', actor: `web ${req.socket.remoteAddress ?? '?'}` };
    let body: unknown;
    try {
      body = await readJson(req, maxBody);
    } catch (err) {
      sendError(res, toAppError(err));
      return;
    }

    if (isDownloadMethod(method)) {
      await sendDownload(req, res, method, body, ctx);
      return;
    }
    try {
      const value = await core.call(method, body, ctx);
      if (res.destroyed) return;
      res.writeHead(200, JSON_HEADERS).end(JSON.stringify(value));
    } catch (err) {
      if (!res.destroyed) sendError(res, toAppError(err));
    }
  }

  async function sendDownload(req: IncomingMessage, res: ServerResponse, method: string, body: unknown, ctx: CallContext) {
    let download;
    try {
      download = await core.exportCsv(body, ctx);
    } catch (err) {
      sendError(res, toAppError(err));
      return;
    }
    await sendCsvDownload(req, res, download, (err) => core.logger.error(`${method} stream failed`, { err }));
  }

  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // chat turns can legitimately take minutes
  server.keepAliveTimeout = 65_000; // longer than any client's idle timeout, so the client always closes first
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      unsubscribe();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendError(res: ServerResponse, error: AppError, status?: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status ?? httpStatusFor(error.code), JSON_HEADERS).end(JSON.stringify({ error: error.toPayload() }));
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError('VALIDATION', `The request body is larger than ${Math.round(maxBytes / 1048576)} MB.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('VALIDATION', 'The request body is not valid JSON.');
  }
}
