import { BrowserWindow, shell } from 'electron';
import { APP_ORIGIN, APP_URL } from './app-origin.js';
import { hardenWebContents } from './harden-web-contents.js';
import { secureWindowOptions } from './window-options.js';

export interface WindowFactoryOptions {
  preloadPath: string;
  devTools: boolean;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface WindowFactory {
  create(): BrowserWindow;
  /** Windows this factory made and that are still open: the only ones that receive core events. */
  windows(): BrowserWindow[];
}

/** The single way a renderer window comes into existence. */
export function createWindowFactory(options: WindowFactoryOptions): WindowFactory {
  const open = new Set<BrowserWindow>();

  return {
    create() {
      const win = new BrowserWindow(secureWindowOptions({ preloadPath: options.preloadPath, devTools: options.devTools }));
      open.add(win);
      win.on('closed', () => open.delete(win));
      hardenWebContents(win.webContents, {
        appOrigin: APP_ORIGIN,
        openExternal: (url) => shell.openExternal(url),
        onBlocked: (what) => options.log?.(`blocked ${what} in the app window`),
      });
      win.once('ready-to-show', () => win.show());
      win.webContents.on('render-process-gone', (_event, details) => {
        options.log?.('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
      });
      void win.loadURL(APP_URL).catch((err: unknown) => {
        options.log?.('loading the app page failed', { message: err instanceof Error ? err.message : String(err) });
      });
      return win;
    },
    windows() {
      return [...open].filter((w) => !w.isDestroyed());
    },
  };
}
