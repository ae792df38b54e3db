import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The tests drive the built renderer (out/renderer) through the web host. Build it when stale, so
 * `npx playwright test` alone never tests an old build (scripts/build.mjs skips fresh parts).
 */
export default function globalSetup(): void {
  const root = process.cwd();
  const builder = join(root, 'scripts', 'build.mjs');
  const args = existsSync(builder) ? [builder, '--renderer', '--admin'] : [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts'];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the renderer failed (see above)');
  if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) throw new Error('out/renderer/index.html is missing after the build');
}
