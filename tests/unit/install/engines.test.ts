import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }>;
};

/**
 * Electron 42 and later declare Node 22.12 for the electron package and the two helpers its
 * download step uses. Every supported Electron does (43, 44, 45), so these warnings cannot be
 * resolved on Node 20; they work on Node 20.19+ (which loads their ES modules with require), and
 * `npm start` only runs them to fetch the runtime. The README's Troubleshooting says so.
 */
const ELECTRON_DOWNLOADER = new Set(['electron', '@electron/get', '@electron-internal/extract-zip']);

function packageName(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return path.slice(at + 'node_modules/'.length);
}

describe('npm install on the oldest Node the project supports', () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it.each([oldest, process.version])('prints no EBADENGINE warning on Node %s beyond the documented Electron downloader', (node) => {
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '') continue;
      const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      if (!range || semver.satisfies(node, range, { includePrerelease: true })) continue;
      const name = packageName(path);
      if (!ELECTRON_DOWNLOADER.has(name)) refused.push(`${name}@${entry.version} wants Node ${range}`);
    }
    expect(refused).toEqual([]);
  });

  it('still lists each documented exception in the lockfile, so the list does not outlive its reason', () => {
    const present = new Set(Object.keys(lock.packages).map(packageName));
    for (const name of ELECTRON_DOWNLOADER) expect(present.has(name), name).toBe(true);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of ELECTRON_DOWNLOADER) expect(readme, `README explains ${name}`).toContain(name);
  });
});
