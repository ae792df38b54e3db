// `npm run server`: make sure the admin page's build is current, then run the team server in this process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(join(root, 'scripts', 'build.mjs'))) {
  // Build output goes to stderr so stdout carries only the server's own lines.
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--admin'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) process.stderr.write('switchboard team server: building the admin page failed (see above); the API still runs\n');
}
await import('../server/cli.ts');
