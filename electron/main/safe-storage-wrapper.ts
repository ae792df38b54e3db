import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/contract/index.js';
import type { KeyWrapper, WrappedKey } from '../core/vault/key-wrapper.js';

/**
 * Electron's safeStorage as this module uses it: the async API (Electron 42 and later). The sync
 * calls (isEncryptionAvailable, encryptString, decryptString) are deprecated since Electron 45 and
 * never used; app-lifecycle passes Electron's own safeStorage here, so the compiler checks that
 * these signatures still match the Electron in package.json.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only; asked for nowhere else. */
  getSelectedStorageBackend(): string;
}

// Linux backends that keep the key in a real keyring. Anything else (basic_text, unknown before
// ready, a name this code has never seen) is treated as no protection.
const LINUX_KEYRING_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

// Chromium on Linux prefixes ciphertext made with the fixed, same-on-every-machine key with "v10"
// and keyring-backed ciphertext with "v11".
const LINUX_FIXED_KEY_PREFIX = 'v10';

export interface SafeStorageWrapperOptions {
  platform?: NodeJS.Platform;
}

/**
 * Wraps the vault's data key with the OS keychain. Call after app `ready`: before it, Linux
 * reports encryption as unavailable and the backend as "unknown". The result always exists;
 * when it cannot protect anything it says why in `weakReason` and the vault refuses to persist
 * under it, so nothing is ever silently stored with a fixed key.
 */
export async function createSafeStorageKeyWrapper(
  safeStorage: SafeStorageLike,
  options: SafeStorageWrapperOptions = {},
): Promise<KeyWrapper> {
  const platform = options.platform ?? process.platform;
  const api = asyncApi(safeStorage);
  const available = await api.available().catch(() => false);
  const backend = backendName(safeStorage, platform);

  let weakReason: string | undefined;
  if (!available) {
    weakReason =
      platform === 'linux'
        ? 'No system keyring is available to Switchboard, so keys cannot be protected by the operating system.'
        : 'The operating system keychain is not available to Switchboard right now.';
  } else if (platform === 'linux') {
    if (!LINUX_KEYRING_BACKENDS.has(backend)) {
      weakReason = linuxWeakReason(backend);
    } else {
      // The async path may fall back to the fixed key even when a keyring backend is selected.
      const probe = await probeLinuxEncryption(api);
      if (probe === 'fixed-key') weakReason = linuxWeakReason(`${backend}, but encryption fell back to the built-in key`);
      if (probe === 'failed') weakReason = `The ${backend} keyring did not encrypt a test value; it may be locked or not running.`;
    }
  }

  const requireApi = () => {
    if (!available) throw new AppError('VAULT_LOCKED', 'The operating system keychain is not available to Switchboard.');
    return api;
  };

  return {
    kind: 'os-keychain',
    backend,
    persistent: available,
    ...(weakReason !== undefined ? { weakReason } : {}),

    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      const encrypted = await requireApi().encrypt(dataKey.toString('base64'));
      return { kind: 'os-keychain', backend, blob: encrypted.toString('base64') };
    },

    async unwrap(wrapped: WrappedKey): Promise<{ dataKey: Buffer; shouldRewrap: boolean }> {
      if (wrapped.kind !== 'os-keychain') {
        throw new AppError('VAULT_LOCKED', `These keys are protected by a ${wrapped.kind} wrapper, not the system keychain.`);
      }
      if (wrapped.backend !== backend) {
        throw new AppError(
          'VAULT_LOCKED',
          `Your keys were protected by the "${wrapped.backend}" keychain, but Switchboard now sees "${backend}". ` +
            (platform === 'linux'
              ? `Start Switchboard with --password-store=${passwordStoreSwitchFor(wrapped.backend)} to use the original keyring, or re-enter your keys.`
              : 'Open Switchboard on the account and machine where the keys were added, or re-enter your keys.'),
          { expectedBackend: wrapped.backend, actualBackend: backend },
        );
      }
      const { text, shouldReEncrypt } = await requireApi()
        .decrypt(Buffer.from(wrapped.blob, 'base64'))
        .catch(() => {
          throw new AppError('VAULT_LOCKED', 'The system keychain could not open the key that protects your saved keys.');
        });
      const dataKey = Buffer.from(text, 'base64');
      if (dataKey.length === 0 || dataKey.toString('base64') !== text) {
        throw new AppError('VAULT_LOCKED', 'The key stored in the system keychain is damaged.');
      }
      return { dataKey, shouldRewrap: shouldReEncrypt };
    },
  };
}

interface Api {
  available(): Promise<boolean>;
  encrypt(text: string): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<{ text: string; shouldReEncrypt: boolean }>;
}

function asyncApi(s: SafeStorageLike): Api {
  return {
    available: () => s.isAsyncEncryptionAvailable(),
    encrypt: (text) => s.encryptStringAsync(text),
    decrypt: async (blob) => {
      const r = await s.decryptStringAsync(blob);
      return { text: r.result, shouldReEncrypt: r.shouldReEncrypt === true };
    },
  };
}

function backendName(s: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  if (platform === 'linux') {
    try {
      return s.getSelectedStorageBackend();
    } catch {
      return 'unknown';
    }
  }
  return platform;
}

function linuxWeakReason(backend: string): string {
  return (
    `No system keyring is in use (Linux backend: ${backend}). Electron would encrypt your keys with a ` +
    'built-in key that is the same on every computer, which protects nothing. If a keyring is running, ' +
    'start Switchboard with --password-store=gnome-libsecret (or kwallet6); otherwise protect your keys with a passphrase.'
  );
}

async function probeLinuxEncryption(api: Api): Promise<'keyring' | 'fixed-key' | 'failed'> {
  try {
    const probe = await api.encrypt(randomBytes(12).toString('base64'));
    return probe.subarray(0, 3).toString('latin1') === LINUX_FIXED_KEY_PREFIX ? 'fixed-key' : 'keyring';
  } catch {
    return 'failed';
  }
}

/** The --password-store value that selects a backend, as Chromium spells it on the command line. */
function passwordStoreSwitchFor(backend: string): string {
  if (backend === 'gnome_libsecret') return 'gnome-libsecret';
  if (backend === 'basic_text') return 'basic';
  return backend;
}
