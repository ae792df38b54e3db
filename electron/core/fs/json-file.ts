import { join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../../shared/contract/index.js';
import type { FileNotices } from '../app/file-notices.js';
import { writeFileAtomic } from './atomic-file.js';
import { readJsonFile } from './json-damage.js';
import { setAside } from './set-aside.js';

export interface DamagedFileOptions {
  /** Where damage is reported (app.info's notices). */
  notices: FileNotices;
  /** What the app does without the file, in a sentence ("Prices you set start empty."). */
  outcome: string;
  now: () => number;
}

/**
 * Reads `<dataDir>/<file>` and parses it with `schema`; null when there is no file. A damaged file
 * (empty, not JSON, the wrong type, unexpected content) is moved aside as `<file>.damaged-<time>`, so
 * the next save cannot overwrite it and the user can still inspect it, and reported to `notices`; the
 * answer is then null. A file that cannot be read at all is left where it is, and reported too.
 */
export function readJsonOrSetAside<S extends z.ZodType>(dataDir: string, file: string, schema: S, o: DamagedFileOptions): z.output<S> | null {
  const path = join(dataDir, file);
  const read = readJsonFile(path, schema);
  if (read.state === 'ok') return read.data;
  if (read.state === 'missing') return null;
  if (read.state === 'unreadable') {
    o.notices.report({ file, problem: read.problem, outcome: `${o.outcome} The file was left where it is.` });
    return null;
  }
  let keptAs: string | null = null;
  try {
    keptAs = setAside(path, o.now());
  } catch {
    // Could not be moved: left in place, and said so.
  }
  o.notices.report({
    file,
    problem: read.problem,
    outcome: keptAs ? `${o.outcome} The damaged file is kept as ${keptAs}.` : `${o.outcome} The damaged file could not be moved and was left where it is.`,
    ...(keptAs ? { keptAs } : {}),
  });
  return null;
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
