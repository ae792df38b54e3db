import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALG = 'aes-256-gcm';

/** One sealed secret. Base64 fields; the AAD is not stored, it is rebuilt from the record it belongs to. */
export interface SealedBlob {
  iv: string;
  ct: string;
  tag: string;
}

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/**
 * Binds a ciphertext to the vault, the record and the provider: a blob copied into another record (or
 * another vault) fails authentication instead of decrypting under the wrong name.
 */
export function secretAad(vaultId: string, keyId: string, provider: string): Buffer {
  return Buffer.from(['switchboard/key/v1', vaultId, keyId, provider].join('\u0000'), 'utf8');
}

/** AAD of a secret that is not a provider key (an MCP server's header value), bound to its vault and scope. */
export function scopedSecretAad(vaultId: string, scope: string): Buffer {
  return Buffer.from(['switchboard/secret/v1', vaultId, scope].join('\u0000'), 'utf8');
}

/** AES-256-GCM with a fresh random 12-byte IV per call. */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): SealedBlob {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALG, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export class SealError extends Error {
  constructor() {
    super('The stored value failed authentication (wrong key, moved or altered).');
    this.name = 'SealError';
  }
}

/** Opens a blob; throws SealError when the key, the AAD or any byte of the blob does not match. */
export function open(key: Buffer, blob: SealedBlob, aad: Buffer): Buffer {
  assertKey(key);
  const iv = Buffer.from(blob.iv, 'base64');
  const tag = Buffer.from(blob.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError();
  try {
    const decipher = createDecipheriv(ALG, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(blob.ct, 'base64')), decipher.final()]);
  } catch {
    throw new SealError();
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== DATA_KEY_BYTES) throw new Error('vault key must be 32 bytes');
}
