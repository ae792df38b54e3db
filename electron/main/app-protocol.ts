import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { SECURITY_HEADERS } from '../../shared/security/csp.js';
import { contentTypeOf, isSpaRoute } from '../../shared/security/static-types.js';
import { APP_SCHEME } from './app-origin.js';
import { resolveAppRequest } from './app-request-path.js';

/**
 * standard: relative URLs and a real origin (localStorage, IndexedDB for Dexie).
 * secure: a secure context, like https (crypto.subtle, clipboard).
 * supportFetchAPI: Vite's module preload uses fetch for chunks.
 * corsEnabled is left off on purpose: with it, any origin could read app:// responses.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/**
 * The app:// handler, written against the web Request/Response types so it runs in plain Node
 * tests. Every answer, errors included, carries the CSP and the other security headers.
 */
export function createAppProtocolHandler(rendererRoot: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererRoot);
  const realRoot = realpath(root).catch(() => root);

  const plain = (status: number, text: string, extra: Record<string, string> = {}) =>
    new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...extra } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
    let file = resolveAppRequest(request.url, root);
    if (file === null) return plain(404, 'not found');

    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (info === null && isSpaRoute(file)) {
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (info === null || !info.isFile()) return plain(404, 'not found');

    // A symlink inside the build could still point outside it.
    const real = await realpath(file).catch(() => null);
    const base = await realRoot;
    if (real === null || (real !== base && !real.startsWith(base + sep))) return plain(404, 'not found');

    const headers = {
      'Content-Type': contentTypeOf(file),
      'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...SECURITY_HEADERS,
    };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
    const body = await readFile(real);
    return new Response(new Uint8Array(body), { status: 200, headers });
  };
}

/** The subset of Electron's Protocol used here. */
export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

export function registerAppProtocol(protocol: ProtocolLike, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererRoot));
}
