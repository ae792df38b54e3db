import { parseArgs } from 'node:util';
import { startFakeProviders } from './server.js';

const USAGE = 'usage: npm run fake-providers -- --port <port> [--verbose]   (port 0 picks a free one)';

async function main(): Promise<void> {
  let values: { port?: string; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string', short: 'p' }, verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`invalid --port ${values.port ?? ''}\n${USAGE}\n`);
    process.exit(2);
  }
  const fake = await startFakeProviders({ port, log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined });
  // Checks and Playwright wait for exactly this line on stdout.
  process.stdout.write(`listening on ${fake.url}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake providers failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
