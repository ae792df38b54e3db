import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Logger } from '../../electron/core/app/logger.js';
import { bearerToken } from '../security/tokens.js';
import type { Members } from '../team/members.js';
import { ApiError, sendError, sendJson, toApiError } from './errors.js';
import { compile, match, Status, type Route } from './routes.js';
import type { AdminPage } from './static-admin.js';

export interface HttpOptions {
  routes: Route[];
  members: Members;
  page: AdminPage;
  logger: Logger;
  host: string;
  port: number;
  /** Answers GET /health (no token): whether the database answers. */
  health: () => Promise<boolean>;
}

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** The team server's HTTP front: routes by method and path, bearer tokens and roles, JSON errors. */
export async function startHttp(options: HttpOptions): Promise<HttpServer> {
  const routes = compile(options.routes);
  const { members, page, logger } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://server');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
      const ok = await options.health().catch(() => false);
      sendJson(res, ok ? 200 : 503, { ok });
      return;
    }
    if (!path.startsWith('/api/') && !path.startsWith('/v1/') && (method === 'GET' || method === 'HEAD')) {
      if (page.serve(path, method, res)) return;
    }

    let found;
    try {
      found = match(routes, method, path);
    } catch {
      throw new ApiError(400, 'VALIDATION', 'The path is not valid (bad percent-encoding).', { param: 'path' });
    }
    if (!found) throw new ApiError(404, 'NOT_FOUND', `No route ${method} ${path}.`);
    if ('allow' in found) {
      res.setHeader('Allow', [...new Set(found.allow)].join(', '));
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${[...new Set(found.allow)].join(' or ')}.`);
    }
    const { route, params } = found;

    let member = null;
    if (route.access !== 'public') {
      const token = bearerToken(req.headers.authorization);
      member = token ? await members.authenticate(token) : null;
      if (!member) {
        req.resume();
        throw new ApiError(401, 'UNAUTHORIZED', token ? 'The token is not valid (wrong, revoked or expired).' : 'Send a team token: Authorization: Bearer <token>.');
      }
      if (route.access === 'admin' && member.role === 'member') {
        req.resume();
        throw new ApiError(403, 'PERMISSION_DENIED', 'This needs an owner or admin token.');
      }
    }
    const value = await route.handle({ req, res, url, params, member: member! });
    if (value === undefined) return;
    if (value instanceof Status) sendJson(res, value.status, value.body);
    else sendJson(res, 200, value);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Only a failure of the server is an error for its log; a refusal (a budget, a bad field) is the caller's answer.
      if (toApiError(err).status >= 500) logger.error('request failed', { method: req.method, path: (req.url ?? '').split('?')[0], err });
      sendError(res, err);
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // streamed answers can take minutes
  server.keepAliveTimeout = 65_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}`,
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
