import { describe, expect, it } from 'vitest';
import { targetLabel, toChatTarget } from '../../../renderer/src/features/conversations/targets.js';
import { DEFAULT_TITLE, normalizeTitle, titleFromText } from '../../../renderer/src/features/conversations/titles.js';

describe('titles', () => {
  it('normalises typed titles', () => {
    expect(normalizeTitle('  Trip   to\nLisbon ')).toBe('Trip to Lisbon');
    expect(normalizeTitle('   ')).toBeNull();
    expect(normalizeTitle('x'.repeat(500))).toHaveLength(120);
  });

  it('suggests a title from the first message', () => {
    expect(titleFromText('\n\nHow do I parse CSV in Python?\nMore text')).toBe('How do I parse CSV in Python?');
    expect(titleFromText('')).toBe(DEFAULT_TITLE);
    const long = titleFromText('Please explain the difference between optimistic and pessimistic locking in databases with examples');
    expect(long.endsWith('…')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(61);
  });
});

describe('targets', () => {
  it('turns a stored target into a chat.send target', () => {
    expect(toChatTarget({ kind: 'system' })).toEqual({ system: true });
    expect(
      toChatTarget({ kind: 'key', keyId: 'k1', provider: 'openai', model: 'gpt-4o-mini', providerName: 'OpenAI', keyLabel: 'Work' }),
    ).toEqual({ keyId: 'k1', model: 'gpt-4o-mini' });
  });

  it('labels targets from their snapshot', () => {
    expect(targetLabel({ kind: 'system' })).toBe('System default');
    expect(targetLabel({ kind: 'key', keyId: 'k1', provider: 'openai', model: 'gpt-4o-mini', providerName: 'OpenAI', keyLabel: 'Work' })).toBe(
      'OpenAI · gpt-4o-mini (Work)',
    );
  });
});

describe('telling the core conversation titles (for the CSV)', () => {
  it('sends new and renamed titles, and null for deleted conversations', async () => {
    const { titleChanges } = await import('../../../renderer/src/features/conversations/title-sync.js');
    const sent = new Map([
      ['a', 'Old name'],
      ['b', 'Same'],
      ['gone', 'Deleted one'],
    ]);
    expect(titleChanges([{ id: 'a', title: 'New name' }, { id: 'b', title: 'Same' }, { id: 'c', title: 'Brand new' }], sent)).toEqual([
      { sessionId: 'a', title: 'New name' },
      { sessionId: 'c', title: 'Brand new' },
      { sessionId: 'gone', title: null },
    ]);
    expect(titleChanges([], new Map())).toEqual([]);
  });
});
