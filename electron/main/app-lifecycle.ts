import { basename, join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  session,
  shell,
  type IpcMainInvokeEvent,
  type SaveDialogOptions,
} from 'electron';
import type { Core, CoreOptions } from '../core/core.js';
import { APP_ORIGIN } from './app-origin.js';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol.js';
import { saveCsvExport } from './csv-export.js';
import { forwardEvents } from './event-forwarder.js';
import { hardenWebContents } from './harden-web-contents.js';
import { bindContract } from './ipc-binding.js';
import { buildMenuTemplate } from './menu.js';
import { applyPasswordStore } from './password-store.js';
import { installPermissionHandlers } from './permission-policy.js';
import { createSafeStorageKeyWrapper } from './safe-storage-wrapper.js';
import type { SenderEventLike } from './sender-check.js';
import { createWindowFactory, type WindowFactory } from './window-factory.js';

export interface LifecycleDeps {
  createCore: (options: CoreOptions) => Promise<Core>;
  platform?: NodeJS.Platform;
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
}

const CLOSE_TIMEOUT_MS = 5000;

/**
 * Wires Electron to the core. Before `ready` only what must precede it happens (scheme
 * privileges, sandbox, password store, single-instance lock); safeStorage, the core and every
 * window come after it.
 */
export function startSwitchboard(deps: LifecycleDeps): void {
  const platform = deps.platform ?? process.platform;
  const passwordStore = applyPasswordStore(platform, deps.argv ?? process.argv, deps.env ?? process.env, app.commandLine);
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME_PRIVILEGES.scheme, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);
  app.enableSandbox();
  if (platform === 'win32') app.setAppUserModelId('dev.switchboard.app');

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let core: Core | null = null;
  let windows: WindowFactory | null = null;
  let stop: Array<() => void> = [];
  let quit: 'running' | 'closing' | 'closed' = 'running';
  const log = (message: string, fields?: Record<string, unknown>) => {
    if (core) core.logger.info(message, fields);
  };

  const showWindow = () => {
    if (windows === null) return;
    const existing = windows.windows()[0];
    if (!existing) return void windows.create();
    if (existing.isMinimized()) existing.restore();
    existing.focus();
  };

  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      appOrigin: APP_ORIGIN,
      openExternal: (url) => shell.openExternal(url),
      onBlocked: (what) => log(`blocked ${what}`),
    });
  });
  app.on('second-instance', showWindow);
  // macOS keeps the app running with no window; clicking the dock icon brings one back.
  app.on('activate', () => {
    if (windows !== null && windows.windows().length === 0) windows.create();
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (quit === 'closed' || core === null) return;
    event.preventDefault();
    if (quit === 'closing') return;
    quit = 'closing';
    for (const s of stop) s();
    stop = [];
    const closing = core;
    withTimeout(closing.close(), CLOSE_TIMEOUT_MS)
      .catch((err: unknown) => closing.logger.error('closing the core failed', { message: errorMessage(err) }))
      .finally(() => {
        quit = 'closed';
        app.quit();
      });
  });

  const onReady = async () => {
    installPermissionHandlers(session.defaultSession, APP_ORIGIN);
    registerAppProtocol(protocol, join(app.getAppPath(), 'out', 'renderer'));
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform, appName: app.getName(), development: !app.isPackaged })));

    // The vault decides what a weak wrapper means (refuse to persist, offer a passphrase).
    const osKeyWrapper = await createSafeStorageKeyWrapper(safeStorage, { platform });
    const started = await deps.createCore({
      dataDir: app.getPath('userData'),
      transport: 'electron',
      osKeyWrapper,
      version: app.getVersion(),
    });
    core = started;
    if (passwordStore !== null && 'invalid' in passwordStore) {
      started.logger.warn('ignored an unknown --password-store value', { value: passwordStore.invalid });
    }
    started.logger.info('keychain', { backend: osKeyWrapper.backend, weak: osKeyWrapper.weakReason !== undefined });

    const factory = createWindowFactory({
      preloadPath: join(app.getAppPath(), 'out', 'preload', 'preload.cjs'),
      devTools: !app.isPackaged,
      log,
    });
    windows = factory;
    stop.push(
      bindContract({
        ipcMain,
        core: started,
        appOrigin: APP_ORIGIN,
        download: (_method, input, ctx, event) =>
          saveCsvExport({ exportCsv: (i, c) => started.exportCsv(i, c), chooseFile: (name) => chooseSaveFile(event, name) }, input, ctx),
        log: (message) => started.logger.warn(message),
      }),
      forwardEvents(started, () => factory.windows(), APP_ORIGIN),
    );
    factory.create();
  };

  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => {
      core?.logger.error('startup failed', { message: errorMessage(err) });
      dialog.showErrorBox('Switchboard could not start', errorMessage(err));
      app.exit(1);
    });
}

async function chooseSaveFile(event: SenderEventLike, suggestedName: string): Promise<string | null> {
  const sender = (event as unknown as IpcMainInvokeEvent).sender;
  const parent = BrowserWindow.fromWebContents(sender);
  const options: SaveDialogOptions = {
    title: 'Export usage as CSV',
    defaultPath: join(app.getPath('downloads'), basename(suggestedName) || 'switchboard-usage.csv'),
    filters: [{ name: 'CSV', extensions: ['csv'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
