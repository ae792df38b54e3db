/**
 * Conversations deleted in this window. The core forgets a deleted conversation's title a moment
 * later (SessionTitleSync reports it), so until then Usage must not show the title the core still
 * has: a deleted conversation shows under its session id.
 */
const deleted = new Set<string>();

export function markDeletedHere(id: string): void {
  deleted.add(id);
}

export function wasDeletedHere(id: string): boolean {
  return deleted.has(id);
}
