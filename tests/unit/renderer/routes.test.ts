import { describe, expect, it } from 'vitest';
import { isAppPath, isPlainLeftClick, parseRoute, paths, routePath, type Route } from '../../../renderer/src/router/routes.js';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['/', { name: 'home' }],
    ['', { name: 'home' }],
    ['/conversations', { name: 'home' }],
    ['/conversations/abc-123', { name: 'conversation', id: 'abc-123' }],
    ['/conversations/abc-123/', { name: 'conversation', id: 'abc-123' }],
    ['/conversations/a%20b', { name: 'conversation', id: 'a b' }],
    ['/settings', { name: 'settings', section: 'keys' }],
    ['/settings/keys', { name: 'settings', section: 'keys' }],
    ['/settings/limits', { name: 'settings', section: 'limits' }],
    ['/usage', { name: 'usage' }],
    ['/about', { name: 'about' }],
    ['//about', { name: 'about' }],
  ])('%s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it('reports unknown and malformed paths as not found', () => {
    expect(parseRoute('/nope')).toEqual({ name: 'not-found', path: '/nope' });
    expect(parseRoute('/usage/extra')).toEqual({ name: 'not-found', path: '/usage/extra' });
    expect(parseRoute('/conversations/a/b')).toEqual({ name: 'not-found', path: '/conversations/a/b' });
    expect(parseRoute('/conversations/%E0%A4%A')).toEqual({ name: 'not-found', path: '/conversations/%E0%A4%A' });
  });
});

describe('routePath', () => {
  it('round-trips every route, including ids that need escaping', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'conversation', id: 'x/y?z#w' },
      { name: 'settings', section: 'general' },
      { name: 'usage' },
      { name: 'about' },
    ];
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r);
    expect(paths.conversation('a/b')).toBe('/conversations/a%2Fb');
    expect(paths.settings()).toBe('/settings/keys');
  });
});

describe('link handling', () => {
  const click = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, defaultPrevented: false };
  it('routes plain left clicks only', () => {
    expect(isPlainLeftClick(click)).toBe(true);
    expect(isPlainLeftClick({ ...click, button: 1 })).toBe(false);
    expect(isPlainLeftClick({ ...click, ctrlKey: true })).toBe(false);
    expect(isPlainLeftClick({ ...click, metaKey: true })).toBe(false);
    expect(isPlainLeftClick({ ...click, shiftKey: true })).toBe(false);
    expect(isPlainLeftClick({ ...click, defaultPrevented: true })).toBe(false);
  });

  it('keeps other origins and the API out of the router', () => {
    expect(isAppPath('/usage')).toBe(true);
    expect(isAppPath('//evil.example/x')).toBe(false);
    expect(isAppPath('https://platform.openai.com')).toBe(false);
    expect(isAppPath('/api/rpc/app.info')).toBe(false);
  });
});
