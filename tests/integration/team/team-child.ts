// Child process for the kill -9 sync test: a real core on a passphrase vault (so the member token
// survives a restart), driven by the parent through argv. "first" connects, makes own-key calls and
// uploads them (the parent kills it mid-upload); "second" starts again on the same data folder and
// uploads what is left.
import { createLogger } from '../../../electron/core/app/logger.js';
import { INTERNAL_CONTEXT } from '../../../electron/core/app/context.js';
import { createCore } from '../../../electron/core/core.js';

const [step, dataDir, teamUrl, fakeOpenAi] = process.argv.slice(2) as [string, string, string, string];
const token = process.env.TEAM_TOKEN ?? '';
const core = await createCore({
  dataDir,
  transport: 'web',
  version: 'test',
  passphrase: 'correct horse battery staple',
  env: {},
  logger: createLogger({ write: () => {}, file: `${dataDir}/logs/switchboard.log` }),
});
const call = (method: string, input: unknown) => core.call(method, input, INTERNAL_CONTEXT);
const say = (line: string) => process.stdout.write(`${line}\n`);

if (step === 'first') {
  await call('team.connect', { url: teamUrl, token });
  const { id } = (await call('keys.add', { provider: 'openai', label: 'own', secret: 'sk-test-child-key-0123456789abcdef', baseUrl: fakeOpenAi })) as { id: string };
  for (let i = 0; i < 5; i++) {
    await call('chat.send', { sessionId: 'kill', target: { keyId: id, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: `call ${i} [[usage:in=10,out=5]]` }] });
  }
  say('CALLS-DONE');
  // The parent arms its proxy, then says go: the upload it cuts is this one.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  await call('team.sync', {}).catch((err: unknown) => say(`SYNC-FAILED ${(err as Error).message}`));
  say('NOT-KILLED');
  setInterval(() => {}, 1000);
} else {
  const status = (await call('team.status', {})) as { connected: boolean; tokenAvailable: boolean; sync: { pending: number } };
  say(`STATUS ${JSON.stringify({ connected: status.connected, tokenAvailable: status.tokenAvailable, pending: status.sync.pending })}`);
  const res = await call('team.sync', {});
  say(`SYNCED ${JSON.stringify(res)}`);
  await core.close();
  process.exit(0);
}
