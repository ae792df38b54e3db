import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin.js';
import { hardenWebContents, type GuardableContents } from '../../../electron/main/harden-web-contents.js';
import { decideNavigation, type NavigationDecision } from '../../../electron/main/navigation-policy.js';

// Checklist item 5: navigation and window.open are denied; only plain https links leave the app,
// and they go to the user's browser.
describe('decideNavigation', () => {
  const cases: Array<[string, NavigationDecision]> = [
    ['app://switchboard/', 'allow'],
    ['app://switchboard/settings?x=1#y', 'allow'],
    ['APP://SWITCHBOARD/', 'allow'],
    ['app://switchboard.evil.example/', 'deny'],
    ['app://evil/', 'deny'],
    ['app://switchboard:8080/', 'deny'],
    ['app://user@switchboard/', 'deny'],
    ['https://example.com/', 'open-external'],
    ['https://platform.openai.com/api-keys', 'open-external'],
    ['HTTPS://EXAMPLE.COM/path', 'open-external'],
    ['https://user:pass@example.com/', 'deny'],
    ['https://bank.example@evil.example/', 'deny'],
    ['http://example.com/', 'deny'],
    ['http://localhost:5178/', 'deny'],
    ['http://127.0.0.1:5178/', 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['file://switchboard/index.html', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['data:text/html,<script>alert(1)</script>', 'deny'],
    ['blob:app://switchboard/0b1c', 'deny'],
    ['mailto:someone@example.com', 'deny'],
    ['chrome://settings', 'deny'],
    ['devtools://devtools/bundled/inspector.html', 'deny'],
    ['ftp://example.com/', 'deny'],
    ['about:blank', 'deny'],
    ['not a url', 'deny'],
    ['', 'deny'],
    ['https://', 'deny'],
    [`https://example.com/${'a'.repeat(5000)}`, 'deny'],
  ];
  it.each(cases)('%s -> %s', (url, expected) => {
    expect(decideNavigation(url, APP_ORIGIN)).toBe(expected);
  });
});

function fakeContents() {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const contents = {
    on: vi.fn((event: string, listener: (...args: unknown[]) => void) => {
      listeners.set(event, listener);
      return contents;
    }),
    setWindowOpenHandler: vi.fn((h: (d: { url: string }) => { action: 'deny' }) => {
      openHandler = h;
    }),
  };
  return {
    contents: contents as unknown as GuardableContents,
    navigate(url: string) {
      const event = { preventDefault: vi.fn() };
      listeners.get('will-navigate')?.(event, url);
      return event.preventDefault.mock.calls.length > 0;
    },
    open(url: string) {
      return openHandler?.({ url });
    },
    attachWebview() {
      const event = { preventDefault: vi.fn() };
      listeners.get('will-attach-webview')?.(event);
      return event.preventDefault.mock.calls.length > 0;
    },
    raw: contents,
  };
}

describe('hardenWebContents', () => {
  it('blocks leaving the app and hands https links to the browser', async () => {
    const openExternal = vi.fn(async () => {});
    const f = fakeContents();
    hardenWebContents(f.contents, { appOrigin: APP_ORIGIN, openExternal });
    expect(f.navigate('app://switchboard/usage')).toBe(false);
    expect(f.navigate('https://example.com/docs')).toBe(true);
    expect(f.navigate('http://example.com/')).toBe(true);
    expect(f.navigate('file:///etc/passwd')).toBe(true);
    expect(openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });

  it('never opens a window, whatever the URL', () => {
    const openExternal = vi.fn(async () => {});
    const f = fakeContents();
    hardenWebContents(f.contents, { appOrigin: APP_ORIGIN, openExternal });
    expect(f.open('https://example.com/')).toEqual({ action: 'deny' });
    expect(f.open('app://switchboard/')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/']]);
  });

  it('refuses <webview> attachment', () => {
    const f = fakeContents();
    hardenWebContents(f.contents, { appOrigin: APP_ORIGIN, openExternal: async () => {} });
    expect(f.attachWebview()).toBe(true);
  });

  it('installs its guards once per contents', () => {
    const f = fakeContents();
    hardenWebContents(f.contents, { appOrigin: APP_ORIGIN, openExternal: async () => {} });
    hardenWebContents(f.contents, { appOrigin: APP_ORIGIN, openExternal: async () => {} });
    expect(f.raw.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(f.raw.on).toHaveBeenCalledTimes(2);
  });

  it('recognises the same contents by id even through a different wrapper object', () => {
    const a = fakeContents();
    const b = fakeContents();
    Object.assign(a.raw, { id: 4242 });
    Object.assign(b.raw, { id: 4242 });
    hardenWebContents(a.contents, { appOrigin: APP_ORIGIN, openExternal: async () => {} });
    hardenWebContents(b.contents, { appOrigin: APP_ORIGIN, openExternal: async () => {} });
    expect(b.raw.setWindowOpenHandler).not.toHaveBeenCalled();
  });

  it('survives a failing openExternal', async () => {
    const f = fakeContents();
    hardenWebContents(f.contents, { appOrigin: APP_ORIGIN, openExternal: () => Promise.reject(new Error('no browser')) });
    expect(f.navigate('https://example.com/')).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
  });
});
