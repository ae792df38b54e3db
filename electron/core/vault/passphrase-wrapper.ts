import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../../../shared/contract/index.js';
import { open, seal, SealError, type SealedBlob } from './crypto.js';
import type { KeyWrapper, WrappedKey } from './key-wrapper.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation (N=2^17, r=8, p=1): about 128 MiB and a few hundred ms per unlock. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
// Parameters read back from a vault file must stay in a sane band: a tampered file must not make us
// derive with trivial costs for new wraps, nor allocate gigabytes.
const MIN = { N: 2 ** 14, r: 8, p: 1 };
const MAX = { N: 2 ** 20, r: 32, p: 16 };
const SALT_BYTES = 16;

function scrypt(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 32 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCb(passphrase.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function checkParams(p: ScryptParams): void {
  const pow2 = Number.isInteger(Math.log2(p.N));
  if (!pow2 || p.N < MIN.N || p.N > MAX.N || p.r < MIN.r || p.r > MAX.r || p.p < MIN.p || p.p > MAX.p) {
    throw new AppError('VALIDATION', 'The vault file records passphrase settings outside the accepted range; it may have been altered.');
  }
}

/**
 * A value only the right passphrase reproduces, kept beside the wrapped key. It tells a wrong
 * passphrase (the check differs) from an altered or damaged wrapped key (the check matches, the key
 * does not open). It reveals no more than the wrapped key itself: both can be tried against a guess.
 */
function passphraseCheck(kek: Buffer): string {
  return createHmac('sha256', kek).update('switchboard/passphrase-check/v1').digest('base64');
}

function aadFor(p: ScryptParams): Buffer {
  // The recorded parameters are authenticated with the wrapped key, so editing them breaks the unwrap.
  return Buffer.from(`switchboard/vault-key/v1\u0000scrypt\u0000${p.N}\u0000${p.r}\u0000${p.p}`, 'utf8');
}

/**
 * Wraps the vault's data key with a key derived from a passphrase (scrypt, random 16-byte salt,
 * parameters recorded beside the blob). A wrong passphrase fails the AES-GCM tag and reads as
 * "That passphrase does not open your saved keys."
 */
export class PassphraseKeyWrapper implements KeyWrapper {
  readonly kind = 'passphrase' as const;
  readonly backend = 'scrypt';
  readonly persistent = true;
  private readonly salt = randomBytes(SALT_BYTES);
  private derived: Promise<Buffer> | null = null;

  constructor(
    private readonly passphrase: string,
    private readonly params: ScryptParams = DEFAULT_SCRYPT,
  ) {
    if (passphrase.length === 0) throw new AppError('VALIDATION', 'The passphrase is empty.', { field: 'passphrase' });
    checkParams(params);
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    this.derived ??= scrypt(this.passphrase, this.salt, this.params);
    const kek = await this.derived;
    const sealed = seal(kek, dataKey, aadFor(this.params));
    return {
      kind: 'passphrase',
      backend: 'scrypt',
      blob: Buffer.from(JSON.stringify(sealed), 'utf8').toString('base64'),
      params: { alg: 'scrypt', salt: this.salt.toString('base64'), N: this.params.N, r: this.params.r, p: this.params.p, check: passphraseCheck(kek) },
    };
  }

  async unwrap(wrapped: WrappedKey): Promise<{ dataKey: Buffer; shouldRewrap: boolean }> {
    if (wrapped.kind !== 'passphrase') {
      throw new AppError('VAULT_LOCKED', 'These keys are not protected by a passphrase.');
    }
    const params = readParams(wrapped.params);
    const salt = Buffer.from(String(wrapped.params?.salt ?? ''), 'base64');
    if (salt.length < SALT_BYTES) throw new AppError('VALIDATION', 'The vault file has no valid passphrase salt; it may have been altered.');
    let sealed: SealedBlob;
    try {
      sealed = JSON.parse(Buffer.from(wrapped.blob, 'base64').toString('utf8')) as SealedBlob;
    } catch {
      throw new AppError('VALIDATION', 'The vault file’s wrapped key is damaged.');
    }
    const kek = await scrypt(this.passphrase, salt, params);
    const recorded = typeof wrapped.params?.check === 'string' ? Buffer.from(wrapped.params.check, 'base64') : null;
    const expected = Buffer.from(passphraseCheck(kek), 'base64');
    const rightPassphrase = recorded !== null && recorded.length === expected.length && timingSafeEqual(recorded, expected);
    if (recorded !== null && !rightPassphrase) {
      throw new AppError('VALIDATION', 'That passphrase does not open your saved keys.', { field: 'passphrase' });
    }
    try {
      const dataKey = open(kek, sealed, aadFor(params));
      // Costs below today's default, and vaults written before the passphrase check was kept, get
      // re-wrapped once the vault is open.
      const weaker = params.N < this.params.N || params.r < this.params.r;
      return { dataKey, shouldRewrap: weaker || recorded === null };
    } catch (err) {
      if (!(err instanceof SealError)) throw err;
      if (rightPassphrase) {
        throw new AppError('VAULT_LOCKED', 'The passphrase is right, but the key it protects in vault.json was altered or damaged and does not open.', {
          reason: 'wrapped-key-damaged',
        });
      }
      throw new AppError('VALIDATION', 'That passphrase does not open your saved keys.', { field: 'passphrase' });
    }
  }
}

function readParams(raw: Record<string, string | number> | undefined): ScryptParams {
  const n = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  const p = { N: n(raw?.N), r: n(raw?.r), p: n(raw?.p) };
  if (raw?.alg !== 'scrypt' || !Number.isFinite(p.N) || !Number.isFinite(p.r) || !Number.isFinite(p.p)) {
    throw new AppError('VALIDATION', 'The vault file does not record its passphrase settings; it may have been altered.');
  }
  checkParams(p);
  return p;
}
