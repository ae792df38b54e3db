import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Creates `path` with `content` (mode 0600) only if it does not exist, atomically: the content is
 * written and synced to a temporary file that is then hard-linked into place. link() fails when the
 * name exists, so of several processes racing, exactly one wins and nobody ever reads a half-written file.
 * Returns the file's content afterwards: ours, or the winner's.
 */
export function createFileOnce(path: string, content: string): { created: boolean; content: string } {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, content, null, 'utf8');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let created = true;
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false;
  } finally {
    unlinkSync(tmp);
  }
  return { created, content: created ? content : readFileSync(path, 'utf8') };
}
