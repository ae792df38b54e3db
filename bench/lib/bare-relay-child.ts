// The bare relay (bare-relay.ts) alone in a bench child process, as a real relay would run.
// argv: upstream base URL, the upstream body as JSON; the upstream key comes in SB_BENCH_UPSTREAM_KEY.
import type OpenAI from 'openai';
import { startBareRelay } from './bare-relay.js';
import { serveBenchIpc } from './child-ipc.js';

const [baseURL, bodyJson] = process.argv.slice(2);
const relay = await startBareRelay({ baseURL: baseURL!, apiKey: process.env.SB_BENCH_UPSTREAM_KEY ?? '' }, JSON.parse(bodyJson!) as OpenAI.ChatCompletionCreateParamsStreaming);
serveBenchIpc();
process.stdout.write(`listening on ${relay.baseUrl}\n`);
process.on('SIGTERM', () => void relay.close().then(() => process.exit(0)));
