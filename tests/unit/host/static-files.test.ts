import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../electron/host/static-files.js';

describe('resolveStaticPath', () => {
  const root = '/srv/app';
  it.each([
    ['/', '/srv/app'],
    ['/index.html', '/srv/app/index.html'],
    ['/assets/app-1234.js', '/srv/app/assets/app-1234.js'],
    ['/assets/a%20b.js', '/srv/app/assets/a b.js'],
    ['/conversations/abc?x=1', '/srv/app/conversations/abc'],
  ])('maps %s inside the root', (url, want) => {
    expect(resolveStaticPath(root, url)).toBe(want);
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/..%5c..%5cwindows',
    '/assets\\..\\..\\x',
    '/a%00.js',
    '/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(resolveStaticPath(root, url)).toBeNull();
  });

  it('keeps absolute-looking paths inside the root', () => {
    expect(resolveStaticPath(root, '//etc/passwd')).toBe('/srv/app/etc/passwd');
  });
});
