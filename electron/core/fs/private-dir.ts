import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes `path` a folder only this user can open (mode 0700), with any missing parents made the same
 * way. A folder that already exists is left as it is (see tightenDataFolder).
 */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

// What Switchboard keeps in its data folder: a folder holding one of these is ours to tighten.
const OUR_ENTRIES = ['vault.json', 'usage.db', 'settings.json', 'host-token', 'logs', 'audit'];
const OUR_SUBFOLDERS = ['logs', 'audit'];

/**
 * Takes group and other access away from the data folder and its own subfolders, for installs made
 * while they were created 0755. Only a folder that holds Switchboard's files is touched, never a
 * shared one such as /tmp (sticky bit). Answers the folders that were tightened. Windows has no
 * POSIX modes; there the folder sits in the user's own profile.
 */
export function tightenDataFolder(dataDir: string): string[] {
  if (process.platform === 'win32') return [];
  if (!OUR_ENTRIES.some((name) => existsSync(join(dataDir, name)))) return [];
  const tightened: string[] = [];
  for (const dir of [dataDir, ...OUR_SUBFOLDERS.map((name) => join(dataDir, name))]) {
    try {
      const { mode } = statSync(dir);
      if ((mode & 0o1000) !== 0 || (mode & 0o077) === 0) continue;
      chmodSync(dir, 0o700);
      tightened.push(dir);
    } catch {
      // Missing (nothing to protect yet) or not ours to change: leave it.
    }
  }
  return tightened;
}
