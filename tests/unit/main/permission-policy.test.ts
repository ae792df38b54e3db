import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin.js';
import { decidePermission, installPermissionHandlers, type PermissionSession } from '../../../electron/main/permission-policy.js';

// Checklist item 6: permission requests and checks are denied by default.
describe('decidePermission', () => {
  const app = 'app://switchboard/';
  const cases: Array<[string, string, boolean | undefined, boolean]> = [
    ['media', app, true, false],
    ['geolocation', app, true, false],
    ['notifications', app, true, false],
    ['clipboard-read', app, true, false],
    ['openExternal', app, true, false],
    ['fullscreen', app, true, false],
    ['display-capture', app, true, false],
    ['fileSystem', app, true, false],
    ['hid', app, true, false],
    ['unknown', app, true, false],
    ['clipboard-sanitized-write', app, true, true],
    ['clipboard-sanitized-write', 'app://switchboard', true, true],
    ['clipboard-sanitized-write', app, false, false],
    ['clipboard-sanitized-write', app, undefined, false],
    ['clipboard-sanitized-write', 'https://evil.example/', true, false],
    ['clipboard-sanitized-write', 'http://localhost:5178/', true, false],
    ['clipboard-sanitized-write', '', true, false],
  ];
  it.each(cases)('%s from %s (main frame: %s) -> %s', (permission, requestingUrl, isMainFrame, expected) => {
    expect(decidePermission({ permission, requestingUrl, isMainFrame }, APP_ORIGIN)).toBe(expected);
  });
});

describe('installPermissionHandlers', () => {
  function install() {
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    };
    installPermissionHandlers(session as unknown as PermissionSession, APP_ORIGIN);
    return session;
  }

  it('denies requests through the callback', () => {
    const session = install();
    const handler = session.setPermissionRequestHandler.mock.calls[0]?.[0] as (...a: unknown[]) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'pointerLock']) {
      const callback = vi.fn();
      handler({}, permission, callback, { requestingUrl: 'app://switchboard/', isMainFrame: true });
      expect(callback).toHaveBeenCalledWith(false);
    }
    const callback = vi.fn();
    handler({}, 'clipboard-sanitized-write', callback, { requestingUrl: 'app://switchboard/', isMainFrame: true });
    expect(callback).toHaveBeenCalledWith(true);
  });

  it('denies checks, and device access entirely', () => {
    const session = install();
    const check = session.setPermissionCheckHandler.mock.calls[0]?.[0] as (...a: unknown[]) => boolean;
    expect(check(null, 'media', 'app://switchboard', { isMainFrame: true })).toBe(false);
    expect(check(null, 'serial', 'app://switchboard', { isMainFrame: true })).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://switchboard', { requestingUrl: 'app://switchboard/', isMainFrame: true })).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'https://evil.example', { isMainFrame: true })).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]?.[0] as (d: unknown) => boolean;
    expect(device({ deviceType: 'usb', origin: 'app://switchboard' })).toBe(false);
  });
});
