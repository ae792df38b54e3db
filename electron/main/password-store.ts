/** Values Chromium accepts for --password-store on Linux. */
export const PASSWORD_STORES = ['basic', 'gnome-libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const;
export type PasswordStore = (typeof PASSWORD_STORES)[number];

export type PasswordStoreChoice = { store: PasswordStore } | { invalid: string } | null;

/**
 * The user's --password-store choice, from the command line (`--password-store=x` or
 * `--password-store x`; the last one wins, as in Chromium) or else SWITCHBOARD_PASSWORD_STORE.
 * Arguments after a bare `--` are not switches.
 */
export function passwordStoreChoice(argv: readonly string[], env: Record<string, string | undefined> = {}): PasswordStoreChoice {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === undefined) continue;
    if (arg.startsWith('--password-store=')) value = arg.slice('--password-store='.length);
    else if (arg === '--password-store' && i + 1 < argv.length) value = argv[++i];
  }
  value ??= env.SWITCHBOARD_PASSWORD_STORE;
  if (value === undefined || value === '') return null;
  const normalized = value.replace(/^["']|["']$/g, '').toLowerCase();
  return (PASSWORD_STORES as readonly string[]).includes(normalized) ? { store: normalized as PasswordStore } : { invalid: value };
}

export interface CommandLineLike {
  appendSwitch(name: string, value?: string): void;
}

/**
 * Chromium reads the switch itself when it is on Electron's own command line; appending it
 * again makes it hold when it came from the environment or from wrappers that reorder arguments.
 * Must run before `ready`, when the keyring backend is chosen.
 */
export function applyPasswordStore(
  platform: NodeJS.Platform,
  argv: readonly string[],
  env: Record<string, string | undefined>,
  commandLine: CommandLineLike,
): PasswordStoreChoice {
  if (platform !== 'linux') return null;
  const choice = passwordStoreChoice(argv, env);
  if (choice !== null && 'store' in choice) commandLine.appendSwitch('password-store', choice.store);
  return choice;
}
