import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { startTeamServer } from '../../../server/app.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, err: r.stderr };
}

describe('npm run server: flags', () => {
  it('refuses bad flags with the usage line', () => {
    const dir = tempDir();
    try {
      expect(cli(['--port', 'abc', '--data-dir', dir.path])).toMatchObject({ code: 2, err: expect.stringContaining('--port must be a number') });
      expect(cli(['--port', '0'])).toMatchObject({ code: 2, err: expect.stringContaining('--data-dir is required') });
      expect(cli(['--port', '0', '--data-dir', dir.path, '--database-url', 'mysql://x'])).toMatchObject({ code: 2, err: expect.stringContaining('postgres://') });
      expect(cli(['--port', '0', '--data-dir', dir.path, '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: npm run server') });
      const bad = join(dir.path, 'bad-key');
      writeFileSync(bad, 'not hex\n');
      const r = cli(['--port', '0', '--data-dir', dir.path, '--database-url', 'postgres://127.0.0.1:1/x', '--master-key-file', bad]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('64 hexadecimal characters');
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});

describe('master key', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  }, 60_000);

  it('is generated into the data folder (0600) when none is given, and a process with another key refuses to start', async () => {
    const url = await pg.newDatabase();
    const a = tempDir();
    const b = tempDir();
    try {
      const first = await startTeamServer({ dataDir: a.path, databaseUrl: url, port: 0, logger: silentLogger });
      expect(first.masterKey.source).toBe('generated');
      expect(statSync(join(a.path, 'master-key')).mode & 0o777).toBe(0o600);
      expect(statSync(join(a.path, 'owner-token')).mode & 0o777).toBe(0o600);
      await first.close();
      const other = join(b.path, 'key');
      writeFileSync(other, randomBytes(32).toString('hex'));
      await expect(startTeamServer({ dataDir: b.path, databaseUrl: url, port: 0, logger: silentLogger, masterKeyFile: other })).rejects.toThrow(/sealed with another master key/);
      // The same key given as a file (no trailing newline needed) joins without writing an owner token.
      const again = await startTeamServer({ dataDir: b.path, databaseUrl: url, port: 0, logger: silentLogger, masterKeyFile: join(a.path, 'master-key') });
      expect(again.createdTeam).toBe(false);
      await again.close();
    } finally {
      a.cleanup();
      b.cleanup();
    }
  }, 120_000);
});
