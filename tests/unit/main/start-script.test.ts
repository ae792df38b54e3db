import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const start = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, [join(root, 'scripts', 'start.mjs'), '--dry-run', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

// This machine has no Electron runtime (ELECTRON_SKIP_BINARY_DOWNLOAD), so `npm start` plans the web host.
describe('scripts/start.mjs without the Electron runtime', () => {
  it('plans the web host in the folder Electron would use', () => {
    const plan = JSON.parse(start([], { XDG_CONFIG_HOME: '/tmp/sb-xdg' })) as { mode: string; port: number; dataDir: string };
    expect(plan.mode).toBe('web');
    expect(plan.port).toBeGreaterThanOrEqual(5178);
    if (process.platform === 'linux') expect(plan.dataDir).toBe('/tmp/sb-xdg/Switchboard');
  });

  it('takes --port, --data-dir and --passphrase-file', () => {
    const plan = JSON.parse(start(['--port', '6123', '--data-dir=/tmp/sb-data', '--passphrase-file', '/tmp/pass'])) as Record<string, unknown>;
    expect(plan).toEqual({ mode: 'web', port: 6123, dataDir: '/tmp/sb-data', passphraseFile: '/tmp/pass' });
  });

  it('refuses a bad port', () => {
    expect(() => start(['--port', 'abc'])).toThrow(/--port must be a number/);
  });
});

describe('scripts/start.mjs with an Electron runtime', () => {
  it('runs Electron on the project and hands it the switches start does not own', () => {
    // The electron package honours ELECTRON_OVERRIDE_DIST_PATH; a file there stands in for the binary.
    const dist = mkdtempSync(join(tmpdir(), 'sb-electron-'));
    try {
      writeFileSync(join(dist, 'electron'), '');
      const plan = JSON.parse(start(['--password-store=gnome-libsecret', '--port', '1234'], { ELECTRON_OVERRIDE_DIST_PATH: dist })) as Record<string, unknown>;
      expect(plan).toEqual({ mode: 'electron', executable: join(dist, 'electron'), args: [root, '--password-store=gnome-libsecret'] });
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
