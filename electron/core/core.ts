import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, type AnyEvent, type MethodName, type VaultStatus } from '../../shared/contract/index.js';
import { appHandlers } from './app/app-handlers.js';
import type { CallContext } from './app/context.js';
import { Dispatcher } from './app/dispatcher.js';
import { EventBus } from './app/event-bus.js';
import type { HandlerMap } from './app/handlers.js';
import { createLogger, type Logger } from './app/logger.js';
import { SettingsStore } from './app/settings-store.js';
import type { KeyWrapper } from './vault/key-wrapper.js';

export interface CoreOptions {
  /** Where the vault, ledger, settings and logs live. Created if missing. */
  dataDir: string;
  transport: 'electron' | 'web';
  /** The OS keychain (Electron safeStorage), when this transport has one. */
  osKeyWrapper?: KeyWrapper;
  /** Unlocks or creates a passphrase-protected vault (web host: --passphrase-file). */
  passphrase?: string;
  /** Environment read for "from environment" keys; defaults to process.env. */
  env?: Record<string, string | undefined>;
  version: string;
  logger?: Logger;
  now?: () => number;
}

export interface CsvDownload {
  filename: string;
  /** CSV text in chunks, produced lazily so memory stays flat whatever the row count. */
  chunks: AsyncIterable<string>;
}

export interface Core {
  readonly dataDir: string;
  readonly logger: Logger;
  /** Runs one contract method: parse, dispatch, check the answer. Throws AppError. */
  call(method: string, input: unknown, ctx: CallContext): Promise<unknown>;
  /** Subscribes to core → renderer events. */
  onEvent(listener: (event: AnyEvent) => void): () => void;
  /** The CSV behind usage.exportCsv, for transports that stream it (web host) or save it (Electron). */
  exportCsv(input: unknown, ctx: CallContext): Promise<CsvDownload>;
  close(): Promise<void>;
}

function notBuilt(method: string): never {
  throw new AppError('INTERNAL', `${method} is not available in this build.`);
}

/** The composition root: builds every service once and binds the contract to them. */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? createLogger({ file: join(options.dataDir, 'logs', 'switchboard.log') });
  const bus = new EventBus((err) => logger.warn('event listener failed', { err }));
  const settings = new SettingsStore(options.dataDir);
  const closers: Array<() => Promise<void> | void> = [];

  // --- keys (vault, key service) -------------------------------------------------------------
  const vaultStatus = (): VaultStatus => ({
    protection: 'session-only',
    backend: 'memory',
    persistent: false,
    locked: false,
    summary: 'Keys are kept in memory for this session only.',
    actions: [],
  });

  // --- catalog, metering, limits -------------------------------------------------------------

  // --- router, sessions ----------------------------------------------------------------------

  const handlers: Partial<HandlerMap> = {
    ...appHandlers({
      dataDir: options.dataDir,
      version: options.version,
      transport: options.transport,
      settings,
      vaultStatus,
      catalogCheckedAt: () => undefined,
    }),
  };
  const complete = new Proxy(handlers, {
    get(target, prop: string) {
      return target[prop as MethodName] ?? (() => notBuilt(prop));
    },
  }) as HandlerMap;
  const dispatcher = new Dispatcher(complete, logger);

  return {
    dataDir: options.dataDir,
    logger,
    call: (method, input, ctx) => dispatcher.call(method, input, ctx),
    onEvent: (listener) => bus.on(listener),
    exportCsv: async () => notBuilt('usage.exportCsv'),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
