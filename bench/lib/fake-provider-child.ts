// The fake provider server alone in a bench child process: prints "listening on <url>" and answers
// the bench's `last-body` question (the JSON body of the last request it received) over IPC.
import { startFakeProviders } from '../../tests/fake-providers/index.js';
import { serveBenchIpc } from './child-ipc.js';

const fake = await startFakeProviders({ port: 0 });
serveBenchIpc({ 'last-body': () => fake.requests().at(-1)?.body ?? null, 'base-urls': () => fake.baseUrls });
process.stdout.write(`listening on ${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
