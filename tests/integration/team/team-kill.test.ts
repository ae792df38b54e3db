import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envWithoutProviderKeys } from '../../helpers/env.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { startTestTeam, type TestTeam } from '../../helpers/team-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { useFakeProviders } from '../fake-providers/harness.js';
import { switchableProxy } from './proxy.js';

const providers = useFakeProviders();
let pg: TestPostgres;
let team: TestTeam;

beforeAll(async () => {
  pg = await startTestPostgres();
  team = await startTestTeam(pg, providers.fake);
  await team.openaiDefault();
}, 120_000);

afterAll(async () => {
  await team?.close();
  await pg?.stop();
});

const CHILD = fileURLToPath(new URL('./team-child.ts', import.meta.url));

function run(args: string[], token: string): { child: ChildProcess; lines: string[]; waitFor(prefix: string): Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...envWithoutProviderKeys(), TEAM_TOKEN: token } });
  const lines: string[] = [];
  let err = '';
  const waiters: Array<{ prefix: string; resolve(l: string): void }> = [];
  let buf = '';
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) if (line.startsWith(w.prefix)) w.resolve(line);
    }
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    lines,
    exited,
    waitFor: (prefix) =>
      new Promise<string>((resolve, reject) => {
        const hit = lines.find((l) => l.startsWith(prefix));
        if (hit) return resolve(hit);
        waiters.push({ prefix, resolve });
        void exited.then((code) => reject(new Error(`child exited (${code}) before "${prefix}": ${lines.join(' | ')} ${err.slice(-500)}`)));
      }),
  };
}

describe('usage sync across a kill -9', () => {
  it('a process killed after the server stored its upload resends it on the next start, and the server counts it once', async () => {
    const m = await team.member('killed');
    const dir = tempDir('sb-team-kill-');
    const proxy = await switchableProxy(team.url);
    try {
      const first = run(['first', dir.path, proxy.url, providers.fake.baseUrls.openai], m.token);
      await first.waitFor('CALLS-DONE');
      // The server stores the batch; the app dies before it hears the answer (and before its cursor moves).
      proxy.cutNextAnswer('/api/sync/usage', () => first.child.kill('SIGKILL'));
      first.child.stdin!.write('go\n');
      await first.exited;
      expect(first.lines).not.toContain('NOT-KILLED');
      const usage = async () => {
        const r = await team.api('GET', '/api/admin/usage', team.ownerToken);
        return (r.body.members as Array<{ id: string; synced: { calls: number; tokens: number } }>).find((x) => x.id === m.id)!.synced;
      };
      expect(await usage()).toEqual(expect.objectContaining({ calls: 5, tokens: 75 }));

      const second = run(['second', dir.path, proxy.url, providers.fake.baseUrls.openai], m.token);
      const status = JSON.parse((await second.waitFor('STATUS ')).slice(7)) as { connected: boolean; tokenAvailable: boolean; pending: number };
      expect(status).toEqual({ connected: true, tokenAvailable: true, pending: 5 });
      const synced = JSON.parse((await second.waitFor('SYNCED ')).slice(7)) as { uploaded: number; pending: number };
      expect(synced).toMatchObject({ uploaded: 5, pending: 0 });
      expect(await second.exited).toBe(0);
      expect(await usage()).toEqual(expect.objectContaining({ calls: 5, tokens: 75 }));
    } finally {
      await proxy.close();
      dir.cleanup();
    }
  }, 120_000);
});
