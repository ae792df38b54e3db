import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Member } from '../team/members.js';

/** Who may call a route: any member token, an owner or admin token, or nobody needs one. */
export type Access = 'member' | 'admin' | 'public';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Set for 'member' and 'admin' routes. */
  member: Member;
}

/** A handler answers a value (sent as 200 JSON), `{status, body}`, or undefined after writing the response itself. */
export type Handler = (ctx: RequestContext) => Promise<unknown>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** '/api/admin/members/:id/limits' */
  path: string;
  access: Access;
  handle: Handler;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compile(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => {
    const names: string[] = [];
    const pattern = r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { ...r, regex: new RegExp(`^${pattern}$`), names };
  });
}

/** The route for a path: the one whose method matches, or the list of methods the path allows (405). */
export function match(routes: CompiledRoute[], method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | { allow: string[] } | null {
  const allow: string[] = [];
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (!m) continue;
    if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
      allow.push(r.method);
      continue;
    }
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]!);
    });
    return { route: r, params };
  }
  return allow.length > 0 ? { allow } : null;
}

export class Status {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
