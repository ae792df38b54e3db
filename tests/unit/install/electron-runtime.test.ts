import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs script, no types
import { downloadFailure, fetchRuntime, findRuntime, noDisplayReason } from '../../../scripts/electron-runtime.mjs';
import { tempDir } from '../../helpers/temp-dir.js';
import { storedZip } from '../../helpers/zip.js';

const root = join(import.meta.dirname, '..', '..', '..');
const electronPkg = join(root, 'node_modules', 'electron');
const version = (JSON.parse(readFileSync(join(electronPkg, 'package.json'), 'utf8')) as { version: string }).version;
const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;

type Fetch = (dir: string, o: { env: Record<string, string | undefined>; timeoutMs?: number }) => Promise<{ ok: boolean; reason?: string }>;
const fetchIt = fetchRuntime as Fetch;
const find = findRuntime as (dir: string, o?: { env?: Record<string, string | undefined>; platform?: string }) => string | null;

/**
 * A copy of the installed electron package (its install.js, index.js, checksums) in a temp project
 * whose node_modules reach the real download helpers, so electron's own install step runs for real
 * without touching the project's node_modules.
 */
function electronCopy(): { dir: string; cleanup(): void } {
  const t = tempDir('sb-electron-pkg-');
  const modules = join(t.path, 'node_modules');
  const dir = join(modules, 'electron');
  mkdirSync(join(modules, '@electron'), { recursive: true });
  mkdirSync(join(modules, '@electron-internal'), { recursive: true });
  for (const f of ['package.json', 'install.js', 'index.js', 'checksums.json']) cpSync(join(electronPkg, f), join(dir, f));
  symlinkSync(join(root, 'node_modules', '@electron', 'get'), join(modules, '@electron', 'get'));
  symlinkSync(join(root, 'node_modules', '@electron-internal', 'extract-zip'), join(modules, '@electron-internal', 'extract-zip'));
  return { dir, cleanup: t.cleanup };
}

/** Serves one runtime zip and its SHASUMS256.txt the way the release mirror lays them out; `stall` never answers. */
function mirror(mode: 'serve' | 'missing' | 'stall'): Promise<{ url: string; requests: string[]; server: Server }> {
  const zip = storedZip({ electron: '#!/bin/sh\necho fake electron\n', version: `v${version}` });
  const sums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (mode === 'stall') return;
    if (mode === 'serve' && req.url === `/v${version}/${zipName}`) return void res.end(zip);
    if (mode === 'serve' && req.url === `/v${version}/SHASUMS256.txt`) return void res.end(sums);
    res.statusCode = 404;
    res.end('not found');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, server })),
  );
}

const closing: Array<() => void> = [];
afterAll(() => {
  for (const c of closing) c();
});

function envFor(mirrorUrl: string, cache: string): Record<string, string | undefined> {
  const { ELECTRON_OVERRIDE_DIST_PATH: _o, ...env } = process.env;
  return { ...env, ELECTRON_MIRROR: mirrorUrl, electron_use_remote_checksums: '1', electron_config_cache: cache, force_no_cache: 'true' };
}

describe('fetching the Electron runtime on first use (electron/install.js, run for real)', () => {
  let cache: { path: string; cleanup(): void };
  beforeAll(() => {
    cache = tempDir('sb-electron-cache-');
    closing.push(cache.cleanup);
  });

  it('downloads, checks and unpacks the runtime; findRuntime then names the executable', async () => {
    const pkg = electronCopy();
    closing.push(pkg.cleanup);
    const m = await mirror('serve');
    closing.push(() => m.server.close());
    expect(find(pkg.dir, { env: {} })).toBeNull();
    const result = await fetchIt(pkg.dir, { env: envFor(m.url, cache.path) });
    expect(result).toEqual({ ok: true });
    expect(m.requests).toContain(`/v${version}/${zipName}`);
    const executable = find(pkg.dir, { env: {}, platform: process.platform });
    expect(executable).toBe(join(pkg.dir, 'dist', 'electron'));
    expect(existsSync(executable!)).toBe(true);
  });

  it('fails with a short reason, never a stack trace, when the server has no runtime', async () => {
    const pkg = electronCopy();
    closing.push(pkg.cleanup);
    const m = await mirror('missing');
    closing.push(() => m.server.close());
    const result = await fetchIt(pkg.dir, { env: envFor(m.url, cache.path) });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/404/);
    expect(result.reason).not.toMatch(/\n|\bat /);
    expect(find(pkg.dir, { env: {} })).toBeNull();
  });

  it('gives up on a server that never answers, at the time limit it is given', async () => {
    const pkg = electronCopy();
    closing.push(pkg.cleanup);
    const m = await mirror('stall');
    closing.push(() => m.server.close());
    const result = await fetchIt(pkg.dir, { env: envFor(m.url, cache.path), timeoutMs: 1500 });
    expect(result).toEqual({ ok: false, reason: 'no complete download within 2 s' });
  });

  it('fails at once when nothing listens at the download address', async () => {
    const pkg = electronCopy();
    closing.push(pkg.cleanup);
    const m = await mirror('missing');
    const url = m.url;
    await new Promise((r) => m.server.close(r));
    const result = await fetchIt(pkg.dir, { env: envFor(url, cache.path) });
    expect(result.ok).toBe(false);
    expect(result.reason).not.toMatch(/\n/);
  });
});

describe('finding the runtime without downloading it', () => {
  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js', () => {
    const t = tempDir('sb-electron-dist-');
    closing.push(t.cleanup);
    expect(find(electronPkg, { env: { ELECTRON_OVERRIDE_DIST_PATH: t.path } })).toBeNull();
    cpSync(join(electronPkg, 'package.json'), join(t.path, 'electron'));
    expect(find(electronPkg, { env: { ELECTRON_OVERRIDE_DIST_PATH: t.path }, platform: 'linux' })).toBe(join(t.path, 'electron'));
  });

  it('knows when Linux has no display to open a window on', () => {
    const reason = noDisplayReason as (o: { env: Record<string, string>; platform: string }) => string | null;
    expect(reason({ env: {}, platform: 'linux' })).toMatch(/no display/);
    expect(reason({ env: { DISPLAY: ':0' }, platform: 'linux' })).toBeNull();
    expect(reason({ env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' })).toBeNull();
    expect(reason({ env: {}, platform: 'darwin' })).toBeNull();
  });

  it('sums up what a failed install step printed in a few words', () => {
    const sum = downloadFailure as (o: string) => string;
    expect(sum('Error: getaddrinfo ENOTFOUND github.com\n    at GetAddrInfoReqWrap')).toBe('cannot resolve github.com');
    expect(sum('TypeError: fetch failed\n    at node:internal/deps/undici')).toBe('fetch failed');
    expect(sum('connect ECONNREFUSED 127.0.0.1:1')).toBe('network error ECONNREFUSED');
    expect(sum('')).toBe('the download failed');
  });
});
