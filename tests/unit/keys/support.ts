import { AppError, parseRequest, type AnyEvent, type KeyTestResult, type MethodName, type MethodResponse } from '../../../shared/contract/index.js';
import { EventBus } from '../../../electron/core/app/event-bus.js';
import type { CallContext } from '../../../electron/core/app/context.js';
import { createKeysArea, type KeysArea, type KeysMethod } from '../../../electron/core/keys/keys-area.js';
import type { KeyTester } from '../../../electron/core/keys/key-tester.js';
import type { ClientKey } from '../../../electron/core/providers/clients.js';
import type { KeyWrapper } from '../../../electron/core/vault/key-wrapper.js';
import { captureLogger, FAST_SCRYPT } from '../vault/support.js';

export const CTX: CallContext = { transport: 'web', actor: 'web 127.0.0.1' };

/** A key tester that answers what the test says, and remembers what it was asked (never the secret in assertions). */
export class ScriptedTester implements KeyTester {
  calls: ClientKey[] = [];
  next: (key: ClientKey) => KeyTestResult = () => ({ ok: true, latencyMs: 5, modelCount: 3 });
  async test(key: ClientKey): Promise<KeyTestResult> {
    this.calls.push(key);
    return this.next(key);
  }
}

export interface Harness {
  area: KeysArea;
  bus: EventBus;
  tester: ScriptedTester;
  events: AnyEvent[];
  lines: string[];
  clock: { t: number };
  call<M extends KeysMethod>(method: M, input: unknown, ctx?: CallContext): Promise<MethodResponse<M>>;
  /** Resolves to the AppError a call fails with. */
  fail(method: KeysMethod, input: unknown): Promise<AppError>;
}

export interface HarnessOptions {
  dataDir: string;
  env?: Record<string, string | undefined>;
  osKeyWrapper?: KeyWrapper;
  passphrase?: string;
  changesPerHour?: number;
  clock?: { t: number };
  tester?: ScriptedTester;
}

export async function harness(o: HarnessOptions): Promise<Harness> {
  const { logger, lines } = captureLogger();
  const bus = new EventBus();
  const events: AnyEvent[] = [];
  bus.on((e) => events.push(e));
  const clock = o.clock ?? { t: 1_750_000_000_000 };
  const tester = o.tester ?? new ScriptedTester();
  const area = await createKeysArea({
    dataDir: o.dataDir,
    ...(o.osKeyWrapper ? { osKeyWrapper: o.osKeyWrapper } : {}),
    ...(o.passphrase ? { passphrase: o.passphrase } : {}),
    env: o.env ?? {},
    logger,
    bus,
    now: () => (clock.t += 1),
    changesPerHour: () => o.changesPerHour ?? 10,
    scrypt: FAST_SCRYPT,
    tester,
  });
  const call = async <M extends KeysMethod>(method: M, input: unknown, ctx: CallContext = CTX) => {
    const req = parseRequest(method as MethodName, input);
    const handler = area.handlers[method] as (r: unknown, c: CallContext) => Promise<MethodResponse<M>> | MethodResponse<M>;
    return handler(req, ctx);
  };
  const fail = async (method: KeysMethod, input: unknown) => {
    try {
      await call(method, input);
    } catch (err) {
      if (err instanceof AppError) return err;
      throw err;
    }
    throw new Error(`${method} did not fail`);
  };
  return { area, bus, tester, events, lines, clock, call, fail };
}

export const invalidKey = (): KeyTestResult => ({ ok: false, latencyMs: 4, code: 'KEY_INVALID', hint: 'The key is wrong, revoked or for another provider.', message: 'OpenAI rejected the API key (HTTP 401).' });
