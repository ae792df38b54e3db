import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIAL_PREFIX } from '../../../electron/core/vault/vault.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, keyring, meta, openVault } from './support.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const ID = `${CREDENTIAL_PREFIX}team-member-token`;
const TOKEN = 'sbm_member_token_0123456789abcdefghijkl';

describe('vault credentials (the team member token)', () => {
  it('are sealed like keys, survive a restart, and are never listed or reachable as keys', async () => {
    const ring = keyring();
    const v = await openVault(dir.path, { osKeyWrapper: ring });
    const key = meta();
    v.add(key, fakeSecret());
    v.putCredential(ID, { provider: 'openai-compatible', label: 'Team server', baseUrl: 'https://team.example.com' }, TOKEN);
    expect(v.list().map((r) => r.meta.id)).toEqual([key.id]);
    expect(v.get(ID)).toBeUndefined();
    expect(v.revealCredential(ID)).toBe(TOKEN);
    expect(v.credential(ID)?.meta.last4).toBe(TOKEN.slice(-4));
    v.close();
    expect(readFileSync(join(dir.path, 'vault.json'), 'utf8')).not.toContain(TOKEN);

    const again = await openVault(dir.path, { osKeyWrapper: ring });
    expect(again.revealCredential(ID)).toBe(TOKEN);
    expect(again.list()).toHaveLength(1);
    again.close();
  });

  it('a replaced credential keeps one record; removing it scrubs the ciphertext', async () => {
    const v = await openVault(dir.path, { passphrase: 'long enough passphrase' });
    v.putCredential(ID, { provider: 'openai-compatible', label: 'Team', baseUrl: null }, TOKEN);
    const next = `${TOKEN}-rotated`;
    v.putCredential(ID, { provider: 'openai-compatible', label: 'Team', baseUrl: null }, next);
    expect(v.revealCredential(ID)).toBe(next);
    const sealed = v.credential(ID)!.meta.sealed!;
    expect(v.removeCredential(ID)).toBe(true);
    expect(v.credential(ID)).toBeUndefined();
    expect(readFileSync(join(dir.path, 'vault.json'), 'utf8')).not.toContain(sealed.ct);
    expect(v.removeCredential(ID)).toBe(false);
    v.close();
  });

  it('without a saved vault, the credential is kept for this session only', async () => {
    const v = await openVault(dir.path);
    v.putCredential(ID, { provider: 'openai-compatible', label: 'Team', baseUrl: null }, TOKEN);
    expect(v.credential(ID)?.layer).toBe('session');
    v.close();
    const again = await openVault(dir.path);
    expect(again.credential(ID)).toBeUndefined();
    again.close();
  });

  it('only credential ids are accepted', async () => {
    const v = await openVault(dir.path);
    expect(() => v.revealCredential('key_abc')).toThrow();
    v.close();
  });
});
