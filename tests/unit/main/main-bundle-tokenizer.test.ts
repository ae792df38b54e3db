import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../../electron/core/metering/tokenizer.js';
import { envWithoutProviderKeys } from '../../helpers/env.js';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
const PROMPT = 'Count me exactly: the quick brown fox jumps over the lazy dog. <|endoftext|> 日本語';

// The tokenizer runs in a worker thread started from inside the CommonJS bundle (out/main/main.cjs),
// where there is no .ts file to point a worker at. This boots the real bundle with `electron`
// replaced (as main-bundle.test.ts does), then asks chat.estimate over the IPC handler until the
// worker is ready: the first answers may be the conservative estimate, the last must be exact.
const HOOK = `
const Module = require('module');
const { EventEmitter } = require('events');
const handlers = {};
const app = Object.assign(new EventEmitter(), {
  commandLine: { appendSwitch() {} }, enableSandbox() {}, requestSingleInstanceLock: () => true, quit() {}, exit() {},
  whenReady: () => Promise.resolve(), getAppPath: () => process.env.SB_APP_PATH, getName: () => 'Switchboard', isPackaged: true,
  getPath: (n) => process.env.SB_DATA + '/' + n, getVersion: () => '0.0.0-test', setAppUserModelId() {},
});
class BrowserWindow extends EventEmitter {
  constructor() { super(); this.webContents = Object.assign(new EventEmitter(), { setWindowOpenHandler() {}, send() {}, getURL() { return 'app://switchboard/'; }, isDestroyed() { return false; } }); }
  loadURL() { return Promise.resolve(); } isDestroyed() { return false; } show() {}
  static fromWebContents() { return null; }
}
const electron = {
  app, BrowserWindow,
  dialog: { showErrorBox: (t, m) => process.stdout.write('ERROR ' + m + '\\n'), showSaveDialog: async () => ({ canceled: true }) },
  ipcMain: { handle: (c, fn) => { handlers[c] = fn; }, removeHandler() {} },
  Menu: { setApplicationMenu() {}, buildFromTemplate: (t) => t },
  protocol: { registerSchemesAsPrivileged() {}, handle() {} },
  safeStorage: { isAsyncEncryptionAvailable: async () => true, encryptStringAsync: async (s) => Buffer.concat([Buffer.from('v11'), Buffer.from(s)]), decryptStringAsync: async (b) => ({ result: b.subarray(3).toString(), shouldReEncrypt: false }), getSelectedStorageBackend: () => 'gnome_libsecret' },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} } },
  shell: { openExternal: async () => {} },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };
const event = { senderFrame: { url: 'app://switchboard/', parent: null }, sender: { id: 1 } };
const payload = { target: { provider: 'openai', model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: process.env.SB_PROMPT }] };
const answers = [];
const started = Date.now();
(async function poll() {
  const estimate = handlers['sb:chat.estimate'];
  if (estimate) {
    const r = await estimate(event, payload);
    answers.push(r.ok ? { tokenizer: r.value.tokenizer, promptTokens: r.value.promptTokens } : { error: r.error.code });
    if (r.ok && r.value.tokenizer === 'o200k_base') return done();
  }
  if (Date.now() - started > 90000) return done();
  setTimeout(poll, 50);
})();
function done() { process.stdout.write('ANSWERS' + JSON.stringify(answers) + '\\n'); process.exit(0); }
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-main-tokenizer-'));
  writeFileSync(join(dir, 'hook.cjs'), HOOK);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--electron'], { cwd: root, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundled main (out/main/main.cjs): tokenizer worker', () => {
  it('counts prompts exactly in its worker thread once loaded, estimating until then', () => {
    const out = execFileSync(process.execPath, ['--require', join(dir, 'hook.cjs'), join(root, 'out', 'main', 'main.cjs')], {
      cwd: dir,
      env: { ...envWithoutProviderKeys(), SB_APP_PATH: root, SB_DATA: dir, SB_PROMPT: PROMPT },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 110_000,
    });
    expect(out).not.toMatch(/^ERROR/m);
    const line = out.split('\n').find((l) => l.startsWith('ANSWERS'));
    const answers = JSON.parse(line?.slice('ANSWERS'.length) ?? '[]') as Array<{ tokenizer?: string; promptTokens?: number; error?: string }>;
    const exact = estimatePromptTokens([{ role: 'user', content: PROMPT }], 'openai', 'gpt-4o-mini');
    expect(answers.at(-1)).toEqual({ tokenizer: 'o200k_base', promptTokens: exact.tokens });
    for (const a of answers.slice(0, -1)) {
      expect(a.tokenizer).toBe('approx-openai (tokenizer loading)');
      expect(a.promptTokens).toBeGreaterThanOrEqual(exact.tokens);
    }
  }, 120_000);
});
