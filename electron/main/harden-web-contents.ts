import { decideNavigation } from './navigation-policy.js';

/** The parts of Electron's WebContents the guards touch; a plain object in tests. */
export interface GuardableContents {
  /** Electron's WebContents id; lets the guards recognise the same contents behind another wrapper. */
  readonly id?: number;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface HardenOptions {
  appOrigin: string;
  /** shell.openExternal in the app; a spy in tests. */
  openExternal: (url: string) => Promise<void>;
  onBlocked?: (what: 'navigation' | 'window-open' | 'webview', url: string) => void;
}

const hardened = new WeakSet<object>();
const hardenedIds = new Set<number>();

/**
 * Applied to every WebContents (from `web-contents-created` and again by the window factory, so
 * the second call is a no-op): the renderer can never leave the app origin, never open a window
 * and never attach a <webview>; allowed https links go to the user's browser instead.
 */
export function hardenWebContents(contents: GuardableContents, options: HardenOptions): void {
  if (hardened.has(contents) || (contents.id !== undefined && hardenedIds.has(contents.id))) return;
  hardened.add(contents);
  if (contents.id !== undefined) hardenedIds.add(contents.id);
  const openOutside = (url: string) => {
    options.openExternal(url).catch(() => {
      // No browser configured: nothing useful to tell the renderer, and the link is not loaded.
    });
  };

  contents.on('will-navigate', (event, url) => {
    const decision = decideNavigation(url, options.appOrigin);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openOutside(url);
    else options.onBlocked?.('navigation', url);
  });

  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideNavigation(url, options.appOrigin);
    if (decision === 'open-external') openOutside(url);
    else options.onBlocked?.('window-open', url);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.onBlocked?.('webview', '');
  });
}
