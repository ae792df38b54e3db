import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '../../helpers/host-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

const modeOf = (p: string) => statSync(p).mode & 0o777;

function foldersUnder(root: string): string[] {
  const out = [root];
  for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) out.push(...foldersUnder(join(root, e.name)));
  return out;
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function host(dataDir: string, staticDir: string): Promise<HostProcess> {
  const h = await startHostProcess({ dataDir, staticDir, umask: '022' });
  cleanup.push(() => h.stop());
  return h;
}

describe.skipIf(process.platform === 'win32')('folders the app creates (umask 022, as on most machines)', () => {
  it('are all 0700: the data folder, the parents it made, logs/ and audit/', async () => {
    const t = tempDir('sb-private-');
    cleanup.push(t.cleanup);
    const dataDir = join(t.path, 'made', 'by', 'switchboard');
    const h = await host(dataDir, join(t.path, 'static'));
    // A credential operation creates the audit folder.
    expect((await h.rpc('keys.add', { provider: 'openai-compatible', secret: '', baseUrl: 'http://127.0.0.1:9/v1', skipTest: true })).status).toBe(200);
    const folders = [join(t.path, 'made'), join(t.path, 'made', 'by'), ...foldersUnder(dataDir)];
    expect(folders.map((f) => f.slice(t.path.length))).toEqual(expect.arrayContaining(['/made/by/switchboard', '/made/by/switchboard/logs', '/made/by/switchboard/audit']));
    for (const f of folders) expect(`${f.slice(t.path.length)} ${modeOf(f).toString(8)}`).toBe(`${f.slice(t.path.length)} 700`);
  });

  it('a data folder an older version left open to others is made private again', async () => {
    const t = tempDir('sb-private-');
    cleanup.push(t.cleanup);
    const dataDir = join(t.path, 'data');
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), '{}');
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'logs'), 0o755);
    const h = await host(dataDir, join(t.path, 'static'));
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
    expect(h.output()).toMatch(/now private \(0700\)/);
  });
});
