import type { Conversation } from '../../db/schema.js';

/** Titles per call: the contract takes at most 1,000. */
export const TITLE_BATCH = 500;

export type TitleChange = { sessionId: string; title: string | null };

/**
 * What the core has not been told yet: new and renamed conversations, and deleted ones (null), by
 * comparing the list with what was last sent.
 */
export function titleChanges(conversations: readonly Pick<Conversation, 'id' | 'title'>[], sent: ReadonlyMap<string, string>): TitleChange[] {
  const out: TitleChange[] = [];
  const seen = new Set<string>();
  for (const c of conversations) {
    seen.add(c.id);
    if (sent.get(c.id) !== c.title) out.push({ sessionId: c.id, title: c.title });
  }
  for (const id of sent.keys()) if (!seen.has(id)) out.push({ sessionId: id, title: null });
  return out;
}

