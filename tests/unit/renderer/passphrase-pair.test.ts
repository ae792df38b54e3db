import { describe, expect, it } from 'vitest';
import { checkPassphrasePair } from '../../../renderer/src/features/settings/keys/passphrase-pair.js';

describe('a new passphrase typed twice', () => {
  it('is accepted when both agree and it is long enough', () => {
    expect(checkPassphrasePair('correct horse', 'correct horse')).toEqual({ ok: true, passphrase: 'correct horse' });
  });

  it('names the first field when it is too short, before comparing', () => {
    expect(checkPassphrasePair('short', 'other')).toEqual({ ok: false, field: 'first', text: 'Use at least 8 characters.' });
  });

  it('names the second field when the two differ', () => {
    expect(checkPassphrasePair('long enough', 'long enougH')).toEqual({ ok: false, field: 'second', text: 'The two passphrases differ.' });
  });

  it('when optional, takes two empty fields as "no passphrase" and says so in the length message', () => {
    expect(checkPassphrasePair('', '', true)).toEqual({ ok: true, passphrase: '' });
    expect(checkPassphrasePair('short', 'short', true)).toMatchObject({ ok: false, field: 'first', text: expect.stringContaining('leave both fields empty') });
    expect(checkPassphrasePair('', 'something', true)).toMatchObject({ ok: false, field: 'second' });
  });

  it('when required, refuses two empty fields', () => {
    expect(checkPassphrasePair('', '')).toMatchObject({ ok: false, field: 'first' });
  });
});
