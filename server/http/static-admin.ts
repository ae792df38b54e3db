import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { SECURITY_HEADERS } from '../../shared/security/csp.js';
import { contentTypeOf } from '../../shared/security/static-types.js';

interface Asset {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/**
 * The admin page's built files (out/team-admin), read once at start into a fixed table: a request can
 * only ever get one of these files, so no path can climb out of the folder. Served with the app's
 * strict Content-Security-Policy (scripts from this origin only, no inline script, no outside
 * connections, no framing).
 */
export class AdminPage {
  private readonly assets = new Map<string, Asset>();

  constructor(dir: string | null) {
    if (!dir) return;
    let files: string[];
    try {
      files = walk(dir);
    } catch {
      return;
    }
    for (const file of files) {
      const url = '/' + relative(dir, file).split(sep).join('/');
      this.assets.set(url, { body: readFileSync(file), type: contentTypeOf(file), immutable: url.startsWith('/assets/') });
    }
  }

  get built(): boolean {
    return this.assets.has('/index.html');
  }

  /** Answers GET/HEAD for the page's paths; false when the path is not the page's. */
  serve(path: string, method: string, res: ServerResponse): boolean {
    const asset = path === '/' || path === '/admin' || path === '/admin/' ? this.assets.get('/index.html') : this.assets.get(path);
    if (!asset) {
      if (path === '/' || path === '/admin') {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('The admin page is not built. Run "npm run build -- --admin".\n');
        return true;
      }
      return false;
    }
    res.writeHead(200, {
      'Content-Type': asset.type,
      'Content-Length': asset.body.length,
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(method === 'HEAD' ? undefined : asset.body);
    return true;
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
