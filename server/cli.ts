import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../electron/core/app/logger.js';
import { startTeamServer } from './app.js';
import { OWNER_TOKEN_FILE } from './team/bootstrap.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..');

const USAGE = 'usage: npm run server -- --port <port> --data-dir <dir> [--database-url <postgres://…>] [--master-key-file <file>] [--host <host>]';

function fail(message: string): never {
  process.stderr.write(`switchboard team server: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'master-key-file': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'log-level': { type: 'string', default: 'info' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not "${args.port}"`);
  const dataDir = args['data-dir'] ? resolve(args['data-dir']) : fail('--data-dir is required');
  const databaseUrl = args['database-url'] ?? process.env.SWITCHBOARD_DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('--database-url must start with postgres://');
  const masterKeyFile = args['master-key-file'] ?? process.env.SWITCHBOARD_MASTER_KEY_FILE;
  const level = ['debug', 'info', 'warn', 'error'].includes(args['log-level'] ?? '') ? (args['log-level'] as 'info') : 'info';
  const logger = createLogger({ level, file: join(dataDir, 'logs', 'team-server.log') });
  const adminDir = join(projectRoot, 'out', 'team-admin');

  const server = await startTeamServer({
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(masterKeyFile ? { masterKeyFile } : {}),
    host: args.host ?? '127.0.0.1',
    port,
    adminDir: existsSync(join(adminDir, 'index.html')) ? adminDir : null,
    logger,
  });
  process.stdout.write(`listening on ${server.url}\n`);
  if (server.createdTeam) process.stdout.write(`created the team; the owner token is in ${join(dataDir, OWNER_TOKEN_FILE)} (shown nowhere else)\n`);
  if (server.masterKey.source === 'generated') {
    process.stdout.write(`generated the master key in ${join(dataDir, 'master-key')}; give the same file to every other server process (--master-key-file) and keep a copy: without it the team's keys cannot be opened\n`);
  }
  process.stdout.write(`admin page: ${server.url}/ (sign in with the owner token)\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`stopping on ${signal}`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
main().catch((err: unknown) => {
  process.stderr.write(`switchboard team server ${version}: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
