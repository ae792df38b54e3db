import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import { SECURITY_HEADERS } from '../../shared/security/csp.js';
import { contentTypeOf, isSpaRoute } from '../../shared/security/static-types.js';

/**
 * Maps a URL path to a file inside root, or null. Decoding happens once, then anything that could
 * climb out of root (.., absolute paths, backslashes, NUL) is refused.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  // Refuse any parent segment outright rather than letting normalize() quietly resolve it.
  if (decoded.split('/').includes('..')) return null;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const absRoot = resolve(root);
  const full = resolve(join(absRoot, rel));
  if (full !== absRoot && !full.startsWith(absRoot + sep)) return null;
  return full;
}

/** Serves the built renderer; unknown paths without an extension get index.html (client routing). */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, method: string): void {
  let file = resolveStaticPath(root, urlPath);
  if (file === null) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad path');
    return;
  }
  let stat = safeStat(file);
  if (stat?.isDirectory()) {
    file = join(file, 'index.html');
    stat = safeStat(file);
  }
  if (!stat && isSpaRoute(file)) {
    file = join(resolve(root), 'index.html');
    stat = safeStat(file);
  }
  if (!stat || !stat.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('not found');
    return;
  }
  // Only Vite's content-hashed files under /assets/ can be cached forever; everything else (the
  // HTML, favicon, theme script) keeps its name across builds and must be revalidated.
  const hashed = file.startsWith(join(resolve(root), 'assets') + sep);
  res.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Length': stat.size,
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function safeStat(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
