import type { FileNotice } from '../../../../shared/contract/index.js';

/** The notice's heading: which file, and whether it stops anything. */
export function noticeTitle(n: FileNotice): string {
  if (n.action === 'reset-ledger') return `Damaged file: ${n.file}. Chat is paused`;
  if (n.action === 'reset-vault') return `Damaged file: ${n.file}. Saved keys cannot be used`;
  return n.keptAs ? `Damaged file set aside: ${n.file}` : `File problem: ${n.file}`;
}

/** A notice the user may hide for this session: one that stops nothing (its file was set aside). */
export function dismissible(n: FileNotice): boolean {
  return n.action === undefined;
}

/** Identifies one notice across reloads of app.info (a new problem with the same file shows again). */
export function noticeKey(n: FileNotice): string {
  return `${n.file}\u0000${n.problem}\u0000${n.keptAs ?? ''}`;
}

/** Notices that stop something (and have an action) first, then the others, each group oldest first. */
export function byUrgency(notices: readonly FileNotice[]): FileNotice[] {
  return [...notices.filter((n) => n.action), ...notices.filter((n) => !n.action)];
}
