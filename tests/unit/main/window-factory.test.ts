import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({ created: [] as Array<{ options: unknown }>, openExternal: vi.fn(async () => {}) }));

vi.mock('electron', () => {
  class BrowserWindow {
    private listeners = new Map<string, Array<() => void>>();
    destroyed = false;
    webContents = { on: vi.fn(), setWindowOpenHandler: vi.fn() };
    loadURL = vi.fn(async () => {});
    show = vi.fn();
    constructor(options: unknown) {
      h.created.push({ options });
    }
    on(event: string, fn: () => void) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
      return this;
    }
    once(event: string, fn: () => void) {
      return this.on(event, fn);
    }
    emit(event: string) {
      for (const fn of this.listeners.get(event) ?? []) fn();
    }
    isDestroyed() {
      return this.destroyed;
    }
  }
  return { BrowserWindow, shell: { openExternal: h.openExternal } };
});

const { secureWindowOptions } = await import('../../../electron/main/window-options.js');
const { createWindowFactory } = await import('../../../electron/main/window-factory.js');

// Checklist item 1: every renderer window comes from one factory with these preferences.
describe('secureWindowOptions', () => {
  it('lets the window shrink no narrower than the layout, so the app never scrolls sideways', async () => {
    const { readFileSync } = await import('node:fs');
    const css = readFileSync(new URL('../../../renderer/src/styles/layout.css', import.meta.url), 'utf8');
    const layoutMin = Number(/\.app-shell\s*\{[^}]*min-width:\s*(\d+)px/.exec(css)?.[1]);
    expect(layoutMin).toBeGreaterThan(0);
    expect(secureWindowOptions({ preloadPath: '/p.cjs', devTools: false }).minWidth).toBe(layoutMin);
  });

  it('spells out every security preference', () => {
    const prefs = secureWindowOptions({ preloadPath: '/app/out/preload/preload.cjs', devTools: false }).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
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
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('allows DevTools only when asked (development)', () => {
    expect(secureWindowOptions({ preloadPath: 'p', devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('createWindowFactory', () => {
  beforeEach(() => {
    h.created.length = 0;
  });

  it('creates windows with the secure options, guards them and loads the app URL', () => {
    const factory = createWindowFactory({ preloadPath: '/p/preload.cjs', devTools: false });
    const win = factory.create() as unknown as { loadURL: ReturnType<typeof vi.fn>; webContents: { on: ReturnType<typeof vi.fn>; setWindowOpenHandler: ReturnType<typeof vi.fn> } };
    expect(h.created).toHaveLength(1);
    expect(h.created[0]?.options).toEqual(secureWindowOptions({ preloadPath: '/p/preload.cjs', devTools: false }));
    expect(win.loadURL).toHaveBeenCalledWith('app://switchboard/');
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    const events = win.webContents.on.mock.calls.map((c) => c[0]);
    expect(events).toEqual(expect.arrayContaining(['will-navigate', 'will-attach-webview']));
  });

  it('tracks its open windows (the only ones that receive events)', () => {
    const factory = createWindowFactory({ preloadPath: 'p', devTools: false });
    const a = factory.create() as unknown as { emit(e: string): void };
    factory.create();
    expect(factory.windows()).toHaveLength(2);
    a.emit('closed');
    expect(factory.windows()).toHaveLength(1);
  });
});
