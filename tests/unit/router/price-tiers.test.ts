import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/app/logger.js';
import type { AdmitRequest, Reservation } from '../../../electron/core/ports.js';
import { ChatRouter } from '../../../electron/core/router/router.js';
import { FakeAdmission, fakeKey, FakeKeys, FakeModels, reply, ScriptedAdapters } from './fakes.js';

// Long-prompt price tiers travel with the model's price from the router to admission, which
// reserves and settles at the tier the prompt falls in.

const tier = { input: 2, output: 8, cacheRead: 0.2, cacheWrite: null };
const tiers = [{ aboveInputTokens: 1000, pricing: tier }];

/** A ledger that cannot record what a call used (a full disk): every settle throws. */
class UnsettlableAdmission extends FakeAdmission {
  override async admit(request: AdmitRequest): Promise<Reservation> {
    const reservation = await super.admit(request);
    return {
      ...reservation,
      settle: async () => {
        throw new Error('the usage ledger could not settle');
      },
    };
  }
}

function setup(admission = new FakeAdmission()) {
  const adapters = new ScriptedAdapters();
  const router = new ChatRouter({
    keys: new FakeKeys().add(fakeKey('oa1', 'openai')),
    admission,
    // Base prices (FakeModels): input 1, output 4 per million tokens.
    models: new FakeModels().add('openai', 'tiered', { pricingTiers: tiers }).add('openai', 'flat'),
    settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
    emit: () => {},
    logger: silentLogger,
    adapters: adapters.factory,
  });
  const send = (model: string) => router.send({ sessionId: 's1', target: { keyId: 'oa1', model }, messages: [{ role: 'user', content: 'hello' }] });
  return { router, admission, adapters, send };
}

describe('long-prompt price tiers', () => {
  it('the router hands admission the model tiers with its price', async () => {
    const s = setup();
    s.adapters.on('oa1', () => reply('ok'));
    await s.send('tiered');
    await s.send('flat');
    const [tiered, flat] = s.admission.rows.map((r) => r.request);
    expect(tiered).toMatchObject({ model: 'tiered', pricing: { input: 1, output: 4 }, pricingTiers: tiers });
    expect(flat!.pricingTiers).toBeUndefined();
  });

  it('when settling fails, the answer is still priced at the tier the reported prompt falls in', async () => {
    const s = setup(new UnsettlableAdmission());
    s.adapters.on('oa1', () => reply('ok', { input: 1500, output: 100 }));
    const long = await s.send('tiered');
    expect(long.costUsd).toBeCloseTo((1500 * tier.input + 100 * tier.output) / 1e6, 12);
    s.adapters.on('oa1', () => reply('ok', { input: 900, output: 100 }));
    const short = await s.send('tiered');
    expect(short.costUsd).toBeCloseTo((900 * 1 + 100 * 4) / 1e6, 12);
  });
});
