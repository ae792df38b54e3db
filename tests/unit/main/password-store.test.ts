import { describe, expect, it, vi } from 'vitest';
import { applyPasswordStore, passwordStoreChoice } from '../../../electron/main/password-store.js';

describe('passwordStoreChoice', () => {
  const cases: Array<[string[], Record<string, string>, ReturnType<typeof passwordStoreChoice>]> = [
    [['electron', '.'], {}, null],
    [['electron', '.', '--password-store=gnome-libsecret'], {}, { store: 'gnome-libsecret' }],
    [['electron', '.', '--password-store', 'kwallet6'], {}, { store: 'kwallet6' }],
    [['electron', '.', '--password-store="basic"'], {}, { store: 'basic' }],
    [['electron', '.', '--password-store=KWallet5'], {}, { store: 'kwallet5' }],
    [['electron', '.', '--password-store=basic', '--password-store=gnome-libsecret'], {}, { store: 'gnome-libsecret' }],
    [['electron', '.', '--password-store=nonsense'], {}, { invalid: 'nonsense' }],
    [['electron', '.', '--', '--password-store=kwallet'], {}, null],
    [['electron', '.'], { SWITCHBOARD_PASSWORD_STORE: 'gnome-libsecret' }, { store: 'gnome-libsecret' }],
    [['electron', '.', '--password-store=kwallet'], { SWITCHBOARD_PASSWORD_STORE: 'gnome-libsecret' }, { store: 'kwallet' }],
    [['electron', '.', '--password-store'], {}, null],
  ];
  it.each(cases)('%j %j', (argv, env, expected) => {
    expect(passwordStoreChoice(argv, env)).toEqual(expected);
  });
});

describe('applyPasswordStore', () => {
  it('appends the switch on Linux only, and only for a known value', () => {
    const commandLine = { appendSwitch: vi.fn() };
    applyPasswordStore('linux', ['e', '--password-store=gnome-libsecret'], {}, commandLine);
    expect(commandLine.appendSwitch).toHaveBeenCalledWith('password-store', 'gnome-libsecret');
    commandLine.appendSwitch.mockClear();
    applyPasswordStore('darwin', ['e', '--password-store=gnome-libsecret'], {}, commandLine);
    applyPasswordStore('linux', ['e', '--password-store=bogus'], {}, commandLine);
    expect(commandLine.appendSwitch).not.toHaveBeenCalled();
  });
});
