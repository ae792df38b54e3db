import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Core, CoreOptions } from '../../../electron/core/core.js';
import { METHOD_NAMES } from '../../../shared/contract/index.js';

const h = vi.hoisted(() => {
  const order: string[] = [];
  const state = { ready: () => {}, lock: true };
  return { order, state };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const note = (name: string) => vi.fn(() => void h.order.push(name));
  const app = Object.assign(new Emitter(), {
    commandLine: { appendSwitch: vi.fn() },
    enableSandbox: note('enableSandbox'),
    setAppUserModelId: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => h.state.lock),
    quit: note('quit'),
    exit: vi.fn(),
    whenReady: vi.fn(
      () =>
        new Promise<void>((resolve) => {
          h.state.ready = () => {
            h.order.push('ready');
            resolve();
          };
        }),
    ),
    getAppPath: () => '/opt/switchboard',
    getPath: (name: string) => `/home/u/.config/Switchboard${name === 'userData' ? '' : `/${name}`}`,
    getVersion: () => '1.2.3',
    getName: () => 'Switchboard',
    isPackaged: true,
  });
  class BrowserWindow extends Emitter {
    static all: BrowserWindow[] = [];
    webContents = Object.assign(new Emitter(), {
      setWindowOpenHandler: vi.fn(),
      send: vi.fn(),
      getURL: () => 'app://switchboard/',
      isDestroyed: () => false,
    });
    constructor(public options: unknown) {
      super();
      BrowserWindow.all.push(this);
      h.order.push('BrowserWindow');
    }
    loadURL = vi.fn(async () => {});
    isDestroyed = () => false;
    isMinimized = () => false;
    focus = vi.fn();
    restore = vi.fn();
    show = vi.fn();
    static fromWebContents = vi.fn(() => null);
  }
  // Electron 45: the async API, and the deprecated sync calls the app must not use.
  const safeStorage = {
    isAsyncEncryptionAvailable: vi.fn(async () => {
      h.order.push('safeStorage');
      return true;
    }),
    encryptStringAsync: vi.fn(async (t: string) => Buffer.concat([Buffer.from('v11'), Buffer.from(t)])),
    decryptStringAsync: vi.fn(async (b: Buffer) => ({ result: b.subarray(3).toString(), shouldReEncrypt: false })),
    getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
    isEncryptionAvailable: vi.fn(() => true),
    encryptString: vi.fn((t: string) => Buffer.concat([Buffer.from('v11'), Buffer.from(t)])),
    decryptString: vi.fn((b: Buffer) => b.subarray(3).toString()),
  };
  return {
    app,
    BrowserWindow,
    safeStorage,
    dialog: { showErrorBox: vi.fn(), showSaveDialog: vi.fn() },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    Menu: { setApplicationMenu: note('menu'), buildFromTemplate: vi.fn((t: unknown) => t) },
    protocol: { registerSchemesAsPrivileged: note('registerSchemes'), handle: note('protocol.handle') },
    session: {
      defaultSession: {
        setPermissionRequestHandler: note('permissions'),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
      },
    },
    shell: { openExternal: vi.fn(async () => {}) },
  };
});

const electron = await import('electron');
const { startSwitchboard } = await import('../../../electron/main/app-lifecycle.js');

type Mocked = ReturnType<typeof vi.fn>;
const app = electron.app as unknown as EventEmitter & Record<string, Mocked> & { commandLine: { appendSwitch: Mocked } };
const windows = () => (electron.BrowserWindow as unknown as { all: Array<EventEmitter & { options: unknown }> }).all;

function fakeCore() {
  const close = vi.fn(async () => {});
  const core = {
    dataDir: '/home/u/.config/Switchboard',
    logger: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), redact: vi.fn() },
    call: vi.fn(),
    onEvent: vi.fn(() => () => {}),
    exportCsv: vi.fn(),
    close,
  };
  return core as unknown as Core & { close: Mocked };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

async function start(platform: NodeJS.Platform = 'linux', argv: string[] = ['electron', '.']) {
  const core = fakeCore();
  const createCore = vi.fn(async (_o: CoreOptions) => {
    h.order.push('createCore');
    return core;
  });
  startSwitchboard({ createCore, platform, argv, env: {} });
  return { core, createCore };
}

beforeEach(() => {
  h.order.length = 0;
  h.state.lock = true;
  app.removeAllListeners();
  windows().length = 0;
  vi.clearAllMocks();
});

describe('startSwitchboard', () => {
  it('does only pre-ready work before ready: scheme privileges, sandbox, no safeStorage, no window', async () => {
    const { createCore } = await start();
    expect(h.order).toEqual(['registerSchemes', 'enableSandbox']);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(createCore).not.toHaveBeenCalled();
    expect(electron.safeStorage.isAsyncEncryptionAvailable).not.toHaveBeenCalled();
  });

  it('after ready: permissions, protocol, keychain, core, IPC, then the window', async () => {
    const { createCore } = await start();
    h.state.ready();
    await flush();
    expect(h.order).toEqual([
      'registerSchemes',
      'enableSandbox',
      'ready',
      'permissions',
      'protocol.handle',
      'menu',
      'safeStorage',
      'createCore',
      'BrowserWindow',
    ]);
    const options = createCore.mock.calls[0]?.[0];
    expect(options).toMatchObject({ dataDir: '/home/u/.config/Switchboard', transport: 'electron', version: '1.2.3' });
    expect(options?.osKeyWrapper).toMatchObject({ kind: 'os-keychain', backend: 'gnome_libsecret', persistent: true });
    expect(options?.osKeyWrapper?.weakReason).toBeUndefined();
    // The calls Electron 45 deprecates are never made.
    for (const sync of ['isEncryptionAvailable', 'encryptString', 'decryptString'] as const) expect(electron.safeStorage[sync]).not.toHaveBeenCalled();
    const channels = (electron.ipcMain.handle as unknown as Mocked).mock.calls.map((c) => c[0]);
    expect(channels.sort()).toEqual(METHOD_NAMES.map((m) => `sb:${m}`).sort());
    const prefs = (windows()[0]?.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({ preload: '/opt/switchboard/out/preload/preload.cjs', sandbox: true, contextIsolation: true, devTools: false });
  });

  it('quits at once when another instance holds the lock', async () => {
    h.state.lock = false;
    await start();
    expect(app.quit).toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
  });

  it('passes a --password-store choice on to Chromium on Linux', async () => {
    await start('linux', ['electron', '.', '--password-store=gnome-libsecret']);
    expect(app.commandLine.appendSwitch).toHaveBeenCalledWith('password-store', 'gnome-libsecret');
  });

  it('closes the core before quitting', async () => {
    const { core } = await start();
    h.state.ready();
    await flush();
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(core.close).toHaveBeenCalledTimes(1);
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledTimes(METHOD_NAMES.length);
    await flush();
    expect(app.quit).toHaveBeenCalled();
    const second = { preventDefault: vi.fn() };
    app.emit('will-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(core.close).toHaveBeenCalledTimes(1);
  });

  it('quits when the last window closes, except on macOS', async () => {
    await start('linux');
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalled();
    app.removeAllListeners();
    vi.clearAllMocks();
    await start('darwin');
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('re-creates the window on macOS activate when none is open', async () => {
    await start('darwin');
    h.state.ready();
    await flush();
    expect(windows()).toHaveLength(1);
    windows()[0]?.emit('closed');
    app.emit('activate');
    expect(windows()).toHaveLength(2);
  });

  it('focuses the existing window for a second instance', async () => {
    await start();
    h.state.ready();
    await flush();
    app.emit('second-instance');
    expect(windows()).toHaveLength(1);
    expect((windows()[0] as unknown as { focus: Mocked }).focus).toHaveBeenCalled();
  });

  it('hardens every web contents that gets created', async () => {
    await start();
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    app.emit('web-contents-created', {}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });

  it('shows an error and exits when the core cannot start', async () => {
    const createCore = vi.fn(async () => {
      throw new Error('data folder is read-only');
    });
    startSwitchboard({ createCore, platform: 'linux', argv: [], env: {} });
    h.state.ready();
    await flush();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('Switchboard could not start', 'data folder is read-only');
    expect(app.exit).toHaveBeenCalledWith(1);
  });
});
