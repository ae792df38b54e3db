import { describe, expect, it } from 'vitest';
import { newDataKey } from '../../../electron/core/vault/crypto.js';
import { MemoryKeyWrapper } from '../../../electron/core/vault/memory-wrapper.js';
import { DEFAULT_SCRYPT, PassphraseKeyWrapper } from '../../../electron/core/vault/passphrase-wrapper.js';
import { FAST_SCRYPT } from './support.js';

describe('passphrase wrapper (scrypt)', () => {
  it('unwraps with the right passphrase and records its parameters, never the key', async () => {
    const dataKey = newDataKey();
    const wrapped = await new PassphraseKeyWrapper('correct horse battery', FAST_SCRYPT).wrap(dataKey);
    expect(wrapped.kind).toBe('passphrase');
    expect(wrapped.backend).toBe('scrypt');
    expect(wrapped.params).toMatchObject({ alg: 'scrypt', N: FAST_SCRYPT.N, r: 8, p: 1 });
    expect(Buffer.from(String(wrapped.params?.salt), 'base64')).toHaveLength(16);
    expect(JSON.stringify(wrapped)).not.toContain(dataKey.toString('base64'));
    expect(Buffer.from(wrapped.blob, 'base64').includes(dataKey)).toBe(false);
    const { dataKey: back } = await new PassphraseKeyWrapper('correct horse battery', FAST_SCRYPT).unwrap(wrapped);
    expect(back.equals(dataKey)).toBe(true);
  });

  it('says clearly when the passphrase is wrong', async () => {
    const wrapped = await new PassphraseKeyWrapper('correct horse battery', FAST_SCRYPT).wrap(newDataKey());
    await expect(new PassphraseKeyWrapper('wrong horse battery', FAST_SCRYPT).unwrap(wrapped)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'That passphrase does not open your saved keys.',
    });
  });

  it('uses a random salt per wrapper', async () => {
    const a = await new PassphraseKeyWrapper('same passphrase', FAST_SCRYPT).wrap(newDataKey());
    const b = await new PassphraseKeyWrapper('same passphrase', FAST_SCRYPT).wrap(newDataKey());
    expect(a.params?.salt).not.toBe(b.params?.salt);
  });

  it('defaults to strong costs (N=2^17, r=8, p=1)', () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('refuses recorded parameters that were edited or are out of range', async () => {
    const wrapped = await new PassphraseKeyWrapper('correct horse battery', FAST_SCRYPT).wrap(newDataKey());
    const w = new PassphraseKeyWrapper('correct horse battery', FAST_SCRYPT);
    // Doubling N changes the derived key and the authenticated parameters: it fails, it does not weaken.
    await expect(w.unwrap({ ...wrapped, params: { ...wrapped.params, N: FAST_SCRYPT.N * 2 } })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(w.unwrap({ ...wrapped, params: { ...wrapped.params, N: 1024 } })).rejects.toThrow(/outside the accepted range/);
    await expect(w.unwrap({ ...wrapped, params: { ...wrapped.params, N: 2 ** 30 } })).rejects.toThrow(/outside the accepted range/);
  });

  it('refuses an empty passphrase', () => {
    expect(() => new PassphraseKeyWrapper('', FAST_SCRYPT)).toThrow(/empty/);
  });
});

describe('memory wrapper', () => {
  it('unwraps what it wrapped, in this process only', async () => {
    const w = new MemoryKeyWrapper();
    expect(w.persistent).toBe(false);
    expect(w.kind).toBe('session-only');
    const dataKey = newDataKey();
    const wrapped = await w.wrap(dataKey);
    expect(JSON.stringify(wrapped)).not.toContain(dataKey.toString('base64'));
    expect((await w.unwrap(wrapped)).dataKey.equals(dataKey)).toBe(true);
    await expect(new MemoryKeyWrapper().unwrap(wrapped)).rejects.toThrow();
  });
});
