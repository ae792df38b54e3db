import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/**
 * `npm start --dry-run` as a user's shell would run it: the runtime is not downloaded in this
 * project (npm install never fetches it), and the download address answers nothing (a closed
 * loopback port), as on a machine without internet. Returns the plan and the lines shown.
 */
function dryRun(args: string[], env: Record<string, string | undefined> = {}) {
  const { ELECTRON_OVERRIDE_DIST_PATH: _o, ELECTRON_SKIP_BINARY_DOWNLOAD: _s, ...base } = process.env;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs'), '--dry-run', ...args], {
    cwd: root,
    env: { ...base, DISPLAY: ':0', ELECTRON_MIRROR: 'http://127.0.0.1:1/', ...env },
    encoding: 'utf8',
  });
  return { status: r.status, plan: r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null, shown: r.stderr };
}

describe('npm start where the Electron runtime cannot be downloaded', () => {
  it('says so in one line and plans the web host in the folder Electron would use', () => {
    const { plan, shown } = dryRun([], { XDG_CONFIG_HOME: '/tmp/sb-xdg' });
    expect(plan).toMatchObject({ mode: 'web' });
    expect(plan!.port as number).toBeGreaterThanOrEqual(5178);
    if (process.platform === 'linux') expect(plan!.dataDir).toBe('/tmp/sb-xdg/Switchboard');
    const lines = shown.split('\n').filter((l) => l.startsWith('Desktop window unavailable'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/the Electron runtime could not be downloaded \(.+\)\. Serving the same app at http:\/\/127\.0\.0\.1:\d+\/ instead/);
    expect(shown).not.toMatch(/\n\s+at /);
  });

  it('takes --port, --data-dir and --passphrase-file', () => {
    const { plan } = dryRun(['--port', '6123', '--data-dir=/tmp/sb-data', '--passphrase-file', '/tmp/pass']);
    expect(plan).toEqual({ mode: 'web', port: 6123, dataDir: '/tmp/sb-data', passphraseFile: '/tmp/pass' });
  });

  it('refuses a bad port', () => {
    const { status, shown } = dryRun(['--port', 'abc']);
    expect(status).toBe(2);
    expect(shown).toMatch(/--port must be a number/);
  });

  it('does not try to download when ELECTRON_SKIP_BINARY_DOWNLOAD is set', () => {
    const { plan, shown } = dryRun([], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(plan).toMatchObject({ mode: 'web' });
    expect(shown).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD is set/);
  });

  it('neither downloads nor starts the runtime on Linux without a display', async () => {
    if (process.platform !== 'linux') return;
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const { plan, shown } = dryRun([], { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, ELECTRON_MIRROR: mirror });
      expect(plan).toMatchObject({ mode: 'web' });
      expect(shown).toMatch(/no display/);
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('npm start with an Electron runtime', () => {
  it('runs Electron on the project and hands it the switches start does not own', () => {
    // The electron package honours ELECTRON_OVERRIDE_DIST_PATH; a file there stands in for the binary.
    const dist = mkdtempSync(join(tmpdir(), 'sb-electron-'));
    try {
      writeFileSync(join(dist, 'electron'), '');
      const { plan, shown } = dryRun(['--password-store=gnome-libsecret', '--port', '1234'], { ELECTRON_OVERRIDE_DIST_PATH: dist });
      expect(plan).toEqual({ mode: 'electron', executable: join(dist, 'electron'), args: [root, '--password-store=gnome-libsecret'] });
      expect(shown).toBe('');
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

// Installing never runs electron's download, which fails without internet and used to roll the
// whole install back; npm start fetches the runtime instead. Electron 42+ ships no install script
// (it downloads on first use); allowScripts keeps one unapproved should it come back.
describe('npm install', () => {
  it('runs no electron download: no install script, and none approved', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts.electron).toBe(false);
    const electron = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(electron.scripts?.[hook], hook).toBeUndefined();
  });
});
