import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppRequest } from '../../../electron/main/app-request-path.js';
import { isSpaRoute } from '../../../shared/security/static-types.js';

const ROOT = '/opt/switchboard/out/renderer';

// Checklist item 7: the custom protocol maps URLs to files only inside the renderer build.
describe('resolveAppRequest (posix)', () => {
  const inside: Array<[string, string]> = [
    ['app://switchboard/', ROOT],
    ['app://switchboard/index.html', `${ROOT}/index.html`],
    ['app://switchboard/assets/index-abc123.js', `${ROOT}/assets/index-abc123.js`],
    ['app://switchboard/assets/a%20b.png', `${ROOT}/assets/a b.png`],
    ['app://switchboard/settings/keys?x=1#frag', `${ROOT}/settings/keys`],
    // The URL parser folds dot segments (plain and %2e-encoded) before we see the path,
    // so these stay inside the root.
    ['app://switchboard/../../etc/passwd', `${ROOT}/etc/passwd`],
    ['app://switchboard/assets/../index.html', `${ROOT}/index.html`],
    ['app://switchboard/%2e%2e/%2e%2e/etc/passwd', `${ROOT}/etc/passwd`],
    ['app://switchboard/.%2e/secret', `${ROOT}/secret`],
    ['app://switchboard/a//b.js', `${ROOT}/a/b.js`],
  ];
  it.each(inside)('%s -> %s', (url, expected) => {
    expect(resolveAppRequest(url, ROOT, path.posix)).toBe(expected);
  });

  const refused = [
    'app://switchboard/..%2f..%2fetc%2fpasswd',
    'app://switchboard/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://switchboard/assets%2f..%2f..%2f..%2fetc%2fpasswd',
    'app://switchboard/%2Fetc%2Fpasswd',
    'app://switchboard/%2F%2Fetc/passwd',
    'app://switchboard/..\\..\\etc\\passwd',
    'app://switchboard/..%5c..%5cetc%5cpasswd',
    'app://switchboard/index.html%00.png',
    'app://switchboard/C:/Windows/win.ini',
    'app://switchboard/c%3A%5CWindows%5Cwin.ini',
    'app://switchboard/%E0%A4%A',
    'app://evil/index.html',
    'app://user@switchboard/index.html',
    'file:///etc/passwd',
    'http://switchboard/index.html',
    'not a url',
  ];
  it.each(refused)('refuses %s', (url) => {
    expect(resolveAppRequest(url, ROOT, path.posix)).toBeNull();
  });
});

describe('resolveAppRequest (windows paths)', () => {
  const WIN_ROOT = 'C:\\Program Files\\Switchboard\\resources\\app.asar\\out\\renderer';
  it('maps a normal asset inside the root', () => {
    expect(resolveAppRequest('app://switchboard/assets/x.js', WIN_ROOT, path.win32)).toBe(`${WIN_ROOT}\\assets\\x.js`);
  });
  it.each([
    'app://switchboard/..%5C..%5CWindows%5Cwin.ini',
    'app://switchboard/D:/secret.txt',
    'app://switchboard/%5C%5Cserver%5Cshare%5Cx',
    'app://switchboard/..%2F..%2Fx',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(url, WIN_ROOT, path.win32)).toBeNull();
  });
});

describe('isSpaRoute', () => {
  it.each([
    ['/r/usage', true],
    ['/r/settings/keys', true],
    ['/r/assets/x.js', false],
    ['/r/favicon.svg', false],
  ] as const)('%s -> %s', (p, expected) => {
    expect(isSpaRoute(p, path.posix)).toBe(expected);
  });
});
