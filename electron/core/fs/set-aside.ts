import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Moves a damaged file out of the way, never deleting it: `<name>.damaged-<UTC time>` beside it (a
 * number is added if that exists). Answers the new name, or null when nothing was there. Throws when
 * the rename fails; the file is then where it was.
 */
export function setAside(path: string, now: number): string | null {
  if (!existsSync(path)) return null;
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  let target = join(dirname(path), `${basename(path)}.damaged-${stamp}`);
  for (let n = 2; existsSync(target); n++) target = join(dirname(path), `${basename(path)}.damaged-${stamp}-${n}`);
  renameSync(path, target);
  return basename(target);
}
