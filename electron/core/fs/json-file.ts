import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { z } from 'zod';
import { AppError } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import { writeFileAtomic } from './atomic-file.js';

/**
 * Reads a JSON file and parses it with `schema`; null when there is no file. A file that cannot be
 * read or parsed is renamed to `<path>.unreadable-<ms>` so the next save cannot overwrite it (the
 * user can still inspect it), `warning` is logged, and the answer is null.
 */
export function readJsonOrSetAside<S extends z.ZodType>(path: string, schema: S, logger: Pick<Logger, 'warn'>, warning: string): z.output<S> | null {
  if (!existsSync(path)) return null;
  try {
    return schema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    const aside = `${path}.unreadable-${Date.now()}`;
    try {
      renameSync(path, aside);
    } catch {
      // leave it where it is
    }
    logger.warn(warning, { err, keptAs: aside });
    return null;
  }
}

/**
 * writeFileAtomic for a user's data file: a failed write leaves the old file and becomes an INTERNAL
 * AppError "<what> could not be saved (<errno code>); <kept>. Check free disk space and …".
 */
export function saveFileAtomic(path: string, content: string, failure: { what: string; kept: string }): void {
  try {
    writeFileAtomic(path, content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new AppError('INTERNAL', `${failure.what} could not be saved (${code}); ${failure.kept}. Check free disk space and the data folder's permissions.`);
  }
}
