import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  preloadPath: string;
  /** DevTools only in unpackaged (development) runs. */
  devTools: boolean;
  title?: string;
}

/**
 * The only place BrowserWindow options are decided. Every security-relevant preference is spelled
 * out even where it matches Electron's default, so a changed default or a careless edit shows up
 * in the unit test instead of in production.
 */
export function secureWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    // The layout's own minimum (.app-shell in layout.css): narrower, the whole app would scroll sideways.
    minWidth: 860,
    minHeight: 480,
    show: false,
    title: input.title ?? 'Switchboard',
    backgroundColor: '#111418',
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}
