import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../shared/security/csp.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, registerAppProtocol } from '../../../electron/main/app-protocol.js';

// Checklist items 2 and 7: the renderer is served by app:// from the build folder only, and every
// answer carries the CSP as a response header.
let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sb-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), 'outside the build');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
  handler = createAppProtocolHandler(root);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('serves index.html for the root with the CSP header', async () => {
    const res = await get('app://switchboard/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Switchboard</title>');
  });

  it('sends a CSP with the required directives', () => {
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY.split('; ')).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('serves assets with their types', async () => {
    const js = await get('app://switchboard/assets/index-abc.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    const css = await get('app://switchboard/assets/style.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('falls back to index.html for client routes, not for missing files', async () => {
    const route = await get('app://switchboard/settings/keys');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('Switchboard');
    const missing = await get('app://switchboard/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    'app://switchboard/..%2fsecret.txt',
    'app://switchboard/%2e%2e%2fsecret.txt',
    'app://switchboard/..%5csecret.txt',
    'app://switchboard/index.html%00',
    'app://other/index.html',
  ])('refuses %s', async (url) => {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside the build');
  });

  it('does not follow a symlink out of the build', async () => {
    const res = await get('app://switchboard/assets/link.txt');
    expect(res.status).toBe(404);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://switchboard/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://switchboard/index.html', 'POST');
    expect(post.status).toBe(405);
  });

  it('registers the app scheme as standard and secure, without CORS or CSP bypass', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
    const protocol = { handle: vi.fn() };
    registerAppProtocol(protocol, root);
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });
});
