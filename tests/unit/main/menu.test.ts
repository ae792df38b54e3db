import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../../electron/main/menu.js';

const roles = (t: ReturnType<typeof buildMenuTemplate>): string[] =>
  t.flatMap((item) => [item.role ?? item.label ?? '', ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]).map(String);

describe('buildMenuTemplate', () => {
  it('has an app menu on macOS and an edit menu everywhere', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'Switchboard', development: false });
    expect(mac[0]?.label).toBe('Switchboard');
    expect(roles(mac)).toEqual(expect.arrayContaining(['about', 'quit', 'editMenu', 'windowMenu']));
    const linux = buildMenuTemplate({ platform: 'linux', appName: 'Switchboard', development: false });
    expect(linux[0]?.label).toBe('File');
    expect(roles(linux)).toEqual(expect.arrayContaining(['quit', 'editMenu']));
  });

  it('offers reload and DevTools only in development', () => {
    expect(roles(buildMenuTemplate({ platform: 'linux', appName: 'S', development: false }))).not.toEqual(
      expect.arrayContaining(['toggleDevTools']),
    );
    expect(roles(buildMenuTemplate({ platform: 'linux', appName: 'S', development: false }))).not.toContain('reload');
    expect(roles(buildMenuTemplate({ platform: 'linux', appName: 'S', development: true }))).toEqual(
      expect.arrayContaining(['reload', 'toggleDevTools']),
    );
  });
});
