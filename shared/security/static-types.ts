/**
 * What both transports need to serve the renderer build (Electron's app:// protocol and the web
 * host): the Content-Type of each file kind and the client-side routing rule. Plain strings, no
 * node:path, so either side (and tests of either platform's paths) can use them.
 */

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * The extension of a path's last segment ("/a/app.js" → ".js"), as node's path.extname answers it
 * on either platform: '' for none, for a leading-dot name (".env") and for "." and "..".
 */
export function fileExtension(path: string): string {
  const name = path.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot <= 0 || name === '..' ? '' : name.slice(dot);
}

/** The Content-Type to serve a file with (extension case ignored); octet-stream for unknown kinds. */
export function contentTypeOf(path: string): string {
  // Keys all start with a dot, so no extension can hit an Object prototype member.
  return TYPES[fileExtension(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Client-side routes ("/usage", "/settings/keys") have no file; they get index.html.
 * `pathApi` lets a caller pin one platform's path rules (tests do); the default is fileExtension.
 */
export function isSpaRoute(filePath: string, pathApi: { extname(path: string): string } = { extname: fileExtension }): boolean {
  return pathApi.extname(filePath) === '';
}
