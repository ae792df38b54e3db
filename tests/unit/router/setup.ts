import type { AnyEvent, ChatSendRequest, Settings } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { ChatRouter, type RouterDeps } from '../../../electron/core/router/router.js';
import { FakeAdmission, fakeKey, FakeKeys, FakeModels, ScriptedAdapters } from './fakes.js';

export type RouterSettings = Pick<Settings, 'keyFailover' | 'fallbackToSystemDefault' | 'firstTokenTimeoutSec' | 'localFirstTokenTimeoutSec'>;

/** A router over fakes: keys oa1, oa2 (OpenAI), an1 (Anthropic), ge1 (Gemini), lo1 (a local OpenAI-compatible server). */
export interface RouterSetup {
  router: ChatRouter;
  keys: FakeKeys;
  models: FakeModels;
  admission: FakeAdmission;
  adapters: ScriptedAdapters;
  events: AnyEvent[];
  slept: number[];
  settings: RouterSettings;
}

export function routerSetup(opts: { settings?: Partial<RouterSettings>; sleep?: RouterDeps['sleep']; timeouts?: RouterDeps['timeouts'] } = {}): RouterSetup {
  const keys = new FakeKeys().add(fakeKey('oa1', 'openai'), fakeKey('oa2', 'openai'), fakeKey('an1', 'anthropic'), fakeKey('ge1', 'gemini'), fakeKey('lo1', 'openai-compatible'));
  const models = new FakeModels()
    .add('openai', 'gpt-4o-mini', { maxOutputTokens: 16_384 })
    .add('anthropic', 'claude-haiku-4-5', { maxOutputTokens: 64_000 })
    .add('gemini', 'gemini-2.5-flash', { maxOutputTokens: 65_536 });
  const admission = new FakeAdmission();
  const adapters = new ScriptedAdapters();
  const events: AnyEvent[] = [];
  const slept: number[] = [];
  const settings: RouterSettings = { keyFailover: true, fallbackToSystemDefault: false, firstTokenTimeoutSec: 5, localFirstTokenTimeoutSec: 5, ...opts.settings };
  const router = new ChatRouter({
    keys,
    admission,
    models,
    settings: () => settings,
    emit: (name, payload) => events.push({ name, payload } as AnyEvent),
    logger: silentLogger,
    adapters: adapters.factory,
    sleep:
      opts.sleep ??
      (async (ms) => {
        slept.push(ms);
      }),
    retry: { random: () => 0.5 },
    timeouts: { idleMs: 5000, requestMs: 5000, ...opts.timeouts },
  });
  return { router, keys, models, admission, adapters, events, slept, settings };
}

export const OPENAI = { keyId: 'oa1', model: 'gpt-4o-mini' };
export const ANTHROPIC = { keyId: 'an1', model: 'claude-haiku-4-5' };

export function sendVia(s: RouterSetup, extra: Partial<ChatSendRequest> = {}) {
  return s.router.send({ sessionId: 's1', target: OPENAI, messages: [{ role: 'user', content: 'hello' }], ...extra });
}

/** Every provider request is settled exactly once, and no turn is left running. */
export function settledOnce(s: RouterSetup): boolean {
  return s.admission.rows.every((r) => r.settles === 1) && s.router.running === 0;
}
