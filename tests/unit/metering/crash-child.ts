// Child process for the crash-recovery test: admits one call, says so, then waits to be killed.
import { silentLogger } from '../../../electron/core/app/logger.js';
import { CatalogService } from '../../../electron/core/catalog/catalog-service.js';
import { createMetering } from '../../../electron/core/metering/create-metering.js';

const dir = process.argv[2]!;
const catalog = new CatalogService({ dataDir: dir, logger: silentLogger });
const metering = createMetering({ dataDir: dir, logger: silentLogger, emit: () => {}, machineZone: () => 'UTC' });
const model = catalog.find('openai', 'gpt-4o-mini')!;
const messages = [{ role: 'user' as const, content: 'Tell me a long story about a lighthouse keeper.' }];
const estimate = await metering.admission.estimatePromptTokens(messages, 'openai', 'gpt-4o-mini');
const reservation = (await metering.admission.admit({
  sessionId: 'crash-session',
  agent: 'writer',
  provider: 'openai',
  model: 'gpt-4o-mini',
  keyId: 'key-1',
  source: 'user',
  promptTokens: estimate.tokens,
  promptUpperBound: estimate.upperBound,
  maxOutputTokens: 2000,
  pricing: model.pricing,
  attempt: 1,
  kind: 'first',
  retryOf: null,
  fallbackOf: null,
  replacedKeyId: null,
}));
process.stdout.write(`ADMITTED ${reservation.id} ${estimate.tokens} ${reservation.reservedTokens - 2000}\n`);
setInterval(() => {}, 1000);
