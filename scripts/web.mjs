// `npm run web`: make sure the renderer build is current, then run the web host in this process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(join(root, 'scripts', 'build.mjs'))) {
  // Build output goes to stderr so stdout carries only the host's own lines.
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--renderer'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('switchboard web: building the renderer failed (see above)\n');
    process.exit(r.status ?? 1);
  }
}
await import('../electron/host/cli.ts');
