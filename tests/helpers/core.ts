import { join } from 'node:path';
import { INTERNAL_CONTEXT, type CallContext } from '../../electron/core/app/context.js';
import { createLogger, type Logger, type LogLevel } from '../../electron/core/app/logger.js';
import { createCore, type Core, type CoreOptions } from '../../electron/core/core.js';
import type { AnyEvent } from '../../shared/contract/index.js';
import { tempDir } from './temp-dir.js';

export interface TestCoreOptions extends Partial<Omit<CoreOptions, 'logger'>> {
  /** Replaces the logger that collects `lines` (e.g. silentLogger); logLevel and logFile then do nothing. */
  logger?: Logger;
  /** The collecting logger's level; 'info' by default, as the app runs. */
  logLevel?: LogLevel;
  /** Also writes <dataDir>/logs/switchboard.log, as the app's own logger does, for tests that scan the data folder. */
  logFile?: boolean;
  /** Who `call` says is calling; the core itself by default. */
  ctx?: CallContext;
}

export interface TestCore {
  core: Core;
  dataDir: string;
  /** Runs a contract method as `ctx`; throws AppError like the transports see it. */
  call<T = Record<string, unknown>>(method: string, input: unknown): Promise<T>;
  /** Every event the core emitted, oldest first (tests may clear it with `events.length = 0`). */
  events: AnyEvent[];
  /** Every log line (already redacted by the logger), unless a logger was given. */
  lines: string[];
  /** Closes the core, and removes the data folder when it was made here (not when `dataDir` was given). */
  close(): Promise<void>;
}

/**
 * A real core for a test. The environment is empty unless `env` is given, so a developer's real
 * OPENAI_API_KEY etc. in process.env never joins a test as an environment key.
 */
export async function startTestCore(options: TestCoreOptions = {}): Promise<TestCore> {
  const { logger: given, logLevel, logFile, ctx = INTERNAL_CONTEXT, dataDir: givenDir, env = {}, ...rest } = options;
  const owned = givenDir === undefined ? tempDir('sb-core-') : null;
  const dataDir = givenDir ?? owned!.path;
  const lines: string[] = [];
  const events: AnyEvent[] = [];
  const logger =
    given ??
    createLogger({
      ...(logLevel ? { level: logLevel } : {}),
      ...(logFile ? { file: join(dataDir, 'logs', 'switchboard.log') } : {}),
      write: (line) => lines.push(line),
    });
  let core: Core;
  try {
    core = await createCore({ transport: 'web', version: '0.0.0-test', ...rest, dataDir, env, logger });
  } catch (err) {
    owned?.cleanup();
    throw err;
  }
  core.onEvent((event) => events.push(event));
  return {
    core,
    dataDir,
    call: <T = Record<string, unknown>>(method: string, input: unknown) => core.call(method, input, ctx) as Promise<T>,
    events,
    lines,
    close: async () => {
      try {
        await core.close();
      } finally {
        owned?.cleanup();
      }
    },
  };
}
