import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../core/core.js';
import { createLogger } from '../core/app/logger.js';
import { startWebHost } from './server.js';
import { writeHostToken } from './token.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');

const USAGE = `usage: npm run web -- --port <port> --data-dir <dir> [--passphrase-file <file>] [--static-dir <dir>]`;

function fail(message: string): never {
  process.stderr.write(`switchboard web: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        'passphrase-file': { type: 'string' },
        'static-dir': { type: 'string' },
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
  const staticDir = resolve(args['static-dir'] ?? join(projectRoot, 'out', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) fail(`no built renderer in ${staticDir}; run "npm run build" first`);

  // Never prompt: a passphrase comes from a file or not at all (session-only keys).
  const passphraseFile = args['passphrase-file'] ?? process.env.SWITCHBOARD_PASSPHRASE_FILE;
  let passphrase: string | undefined;
  if (passphraseFile) {
    try {
      passphrase = readFileSync(passphraseFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      fail(`cannot read the passphrase file ${passphraseFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (!passphrase) fail(`the passphrase file ${passphraseFile} is empty`);
  }

  const level = ['debug', 'info', 'warn', 'error'].includes(args['log-level'] ?? '') ? (args['log-level'] as 'info') : 'info';
  const logger = createLogger({ level, file: join(dataDir, 'logs', 'switchboard.log') });
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const core = await createCore({ dataDir, transport: 'web', ...(passphrase ? { passphrase } : {}), version, logger });
  const token = writeHostToken(dataDir);
  const host = await startWebHost({ core, token, staticDir, port });

  process.stdout.write(`listening on ${host.url}\n`);
  if (!passphrase) {
    process.stdout.write('keys are kept for this session only (no --passphrase-file); Settings explains how to keep them\n');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`stopping on ${signal}`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    await host.close().catch(() => {});
    await core.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`switchboard web: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
