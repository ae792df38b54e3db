import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../shared/contract/index.js';
import { envWithoutProviderKeys } from '../../helpers/env.js';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;

// Loads the real out/main/main.cjs (with the real core) in Node, `electron` replaced by a recorder,
// to prove the CommonJS bundle boots: pre-ready steps first, then core, IPC and window.
const HOOK = `
const Module = require('module');
const { EventEmitter } = require('events');
const calls = [];
const note = (n) => () => { calls.push(n); };
const app = Object.assign(new EventEmitter(), {
  commandLine: { appendSwitch: note('appendSwitch') }, enableSandbox: note('enableSandbox'),
  requestSingleInstanceLock: () => true, quit: note('quit'), exit: (c) => { calls.push('exit ' + c); },
  whenReady: () => { calls.push('whenReady'); return Promise.resolve(); },
  getAppPath: () => process.env.SB_APP_PATH, getName: () => 'Switchboard', isPackaged: true,
  getPath: (n) => process.env.SB_DATA + '/' + n, getVersion: () => '0.0.0-test', setAppUserModelId: () => {},
});
class BrowserWindow extends EventEmitter {
  constructor(o) { super(); calls.push('BrowserWindow ' + o.webPreferences.preload); this.webContents = Object.assign(new EventEmitter(), { setWindowOpenHandler() {}, send() {}, getURL() { return 'app://switchboard/'; }, isDestroyed() { return false; } }); }
  loadURL(u) { calls.push('loadURL ' + u); return Promise.resolve(); }
  isDestroyed() { return false; } show() {}
  static fromWebContents() { return null; }
}
const electron = {
  app, BrowserWindow,
  dialog: { showErrorBox: (t, m) => calls.push('error ' + m), showSaveDialog: async () => ({ canceled: true }) },
  ipcMain: { handle: (c) => calls.push('handle ' + c), removeHandler() {} },
  Menu: { setApplicationMenu: note('menu'), buildFromTemplate: (t) => t },
  protocol: { registerSchemesAsPrivileged: note('registerSchemes'), handle: (s) => calls.push('protocol ' + s) },
  safeStorage: { isAsyncEncryptionAvailable: async () => true, encryptStringAsync: async (s) => Buffer.concat([Buffer.from('v11'), Buffer.from(s)]), decryptStringAsync: async (b) => ({ result: b.subarray(3).toString(), shouldReEncrypt: false }), getSelectedStorageBackend: () => 'gnome_libsecret' },
  session: { defaultSession: { setPermissionRequestHandler: note('permissions'), setPermissionCheckHandler() {}, setDevicePermissionHandler() {} } },
  shell: { openExternal: async () => {} },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };
setTimeout(() => { process.stdout.write('CALLS' + JSON.stringify(calls) + '\\n'); process.exit(0); }, 1500);
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-main-bundle-'));
  writeFileSync(join(dir, 'hook.cjs'), HOOK);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--electron'], { cwd: root, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundled main (out/main/main.cjs)', () => {
  it('boots against the real core with electron mocked', () => {
    const out = execFileSync(process.execPath, ['--require', join(dir, 'hook.cjs'), join(root, 'out', 'main', 'main.cjs')], {
      cwd: root,
      env: { ...envWithoutProviderKeys(), SB_APP_PATH: root, SB_DATA: dir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = out.split('\n').find((l) => l.startsWith('CALLS'));
    const calls = JSON.parse(line?.slice('CALLS'.length) ?? '[]') as string[];
    expect(calls.slice(0, 3)).toEqual(['registerSchemes', 'enableSandbox', 'whenReady']);
    expect(calls.filter((c) => c.startsWith('handle ')).sort()).toEqual(METHOD_NAMES.map((m) => `handle sb:${m}`).sort());
    expect(calls).toContain('protocol app');
    expect(calls).toContain(`BrowserWindow ${join(root, 'out', 'preload', 'preload.cjs')}`);
    expect(calls).toContain('loadURL app://switchboard/');
    expect(calls.filter((c) => c.startsWith('error') || c.startsWith('exit'))).toEqual([]);
  });
});
