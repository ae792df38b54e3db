import { newDataKey, open, seal, secretAad, type SealedBlob } from '../../electron/core/vault/crypto.js';
import type { MasterKey } from './master-key.js';

/** A provider key as the team_keys table holds it: the secret sealed with its own data key, that key sealed with the master key. */
export interface SealedSecret {
  secret: SealedBlob;
  dek: SealedBlob;
}

/**
 * Envelope encryption with the app's AES-256-GCM helpers (fresh IV per seal). The additional data
 * binds each blob to the team, the key's id and its provider (DESIGN.md section 3), so a row's blob
 * copied into another row, another provider or another team's database fails to open.
 */
export function sealSecret(master: MasterKey, teamUid: string, keyId: string, provider: string, secret: string): SealedSecret {
  const dek = newDataKey();
  try {
    return {
      secret: seal(dek, Buffer.from(secret, 'utf8'), secretAad(teamUid, keyId, provider)),
      dek: seal(master.key, dek, dekAad(teamUid, keyId, provider)),
    };
  } finally {
    dek.fill(0);
  }
}

/** Throws SealError when the master key, the ids or any byte do not match. */
export function openSecret(master: MasterKey, teamUid: string, keyId: string, provider: string, sealed: SealedSecret): string {
  const dek = open(master.key, sealed.dek, dekAad(teamUid, keyId, provider));
  try {
    return open(dek, sealed.secret, secretAad(teamUid, keyId, provider)).toString('utf8');
  } finally {
    dek.fill(0);
  }
}

function dekAad(teamUid: string, keyId: string, provider: string): Buffer {
  return secretAad(`team-dek/${teamUid}`, keyId, provider);
}
