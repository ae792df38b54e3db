import { join } from 'node:path';
import { AppError, type AnyEvent, type MethodName, type VaultStatus } from '../../shared/contract/index.js';
import { createAgentArea } from './agents/agent-area.js';
import { appHandlers } from './app/app-handlers.js';
import type { CallContext } from './app/context.js';
import { Dispatcher } from './app/dispatcher.js';
import { EventBus } from './app/event-bus.js';
import { FileNotices } from './app/file-notices.js';
import type { HandlerMap } from './app/handlers.js';
import { createLogger, type Logger } from './app/logger.js';
import { SettingsStore } from './app/settings-store.js';
import { makePrivateDir, tightenDataFolder } from './fs/private-dir.js';
import { createKeysArea } from './keys/keys-area.js';
import type { KeyWrapper } from './vault/key-wrapper.js';
import { createCatalogArea } from './catalog/catalog-area.js';
import { MeteringGate } from './metering/metering-gate.js';
import type { CallAdmission, ModelLookup } from './ports.js';
import { cachedAdapterFactory, forgetOnKeyChange } from './providers/adapters/index.js';
import { routerHandlers } from './router/handlers.js';
import { ChatRouter } from './router/router.js';
import { environmentSystemDefault } from './router/system-default.js';
import { teamHandlers } from './team/handlers.js';
import { withTeamAdapters } from './team/team-adapter.js';
import { teamFirst, withTeamKeys } from './team/team-routing.js';
import { TeamService } from './team/team-service.js';

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
  /** The fetch for online price updates (tests); the global one otherwise. */
  fetch?: typeof globalThis.fetch;
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
  makePrivateDir(options.dataDir);
  const logger = options.logger ?? createLogger({ file: join(options.dataDir, 'logs', 'switchboard.log') });
  const tightened = tightenDataFolder(options.dataDir);
  if (tightened.length > 0) logger.warn('folders of the data folder were open to other users; they are now private (0700)', { folders: tightened });
  const bus = new EventBus((err) => logger.warn('event listener failed', { err }));
  const now = options.now ?? Date.now;
  // A damaged file never stops the app: each store sets it aside (or leaves it and works without it)
  // and says so here; app.info shows the notices.
  const notices = new FileNotices(logger);
  notices.onChange(() => bus.emit('app.notices', {}));
  const settings = new SettingsStore(options.dataDir, { notices, now });
  const closers: Array<() => Promise<void> | void> = [];

  // --- keys (vault, key service) -------------------------------------------------------------
  // `keys.service` is the KeyResolver for the router; the router section plugs the router in with
  // `keys.setSessionEnder(...)` (until then deleting a key reports endedSessions 0).
  const keys = await createKeysArea({
    dataDir: options.dataDir,
    ...(options.osKeyWrapper ? { osKeyWrapper: options.osKeyWrapper } : {}),
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
    env: options.env ?? process.env,
    logger,
    bus,
    now,
    changesPerHour: () => settings.get().credentialChangesPerHour,
    notices,
  });
  closers.push(() => keys.close());
  const vaultStatus = (): VaultStatus => keys.vaultStatus();

  // --- catalog, metering, limits -------------------------------------------------------------
  // `modelLookup` (ModelLookup) and `callAdmission` (CallAdmission) are what the router is given:
  // estimatePromptTokens + admit before every provider request, reservation.settle() after it.
  // The catalog: models.dev prices (bundled, or updated online when the user allows it), providers'
  // lists (OpenRouter's with its live prices, refreshed when a key is added and daily), user prices.
  const catalogArea = createCatalogArea({
    dataDir: options.dataDir,
    logger,
    keys: keys.service,
    onlinePriceUpdates: () => settings.get().onlinePriceUpdates,
    env: options.env ?? process.env,
    changed: () => bus.emit('models.changed', {}),
    notices,
    ...(options.now ? { now: options.now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const catalog = catalogArea.catalog;
  closers.push(() => catalogArea.close());
  let onlinePrices = settings.get().onlinePriceUpdates;
  settings.onChange((next) => {
    if (next.onlinePriceUpdates === onlinePrices) return;
    onlinePrices = next.onlinePriceUpdates;
    catalogArea.settingChanged();
  });
  bus.on((event) => {
    if (event.name === 'keys.changed') catalogArea.keyChanged(event.payload.provider, event.payload.keyId);
  });
  catalogArea.start();
  // Without a usable usage.db the gate refuses every metered call (LEDGER_UNAVAILABLE) until the
  // user moves the damaged ledger aside (ledger.reset).
  const metering = new MeteringGate({
    dataDir: options.dataDir,
    logger,
    emit: (name, payload) => bus.emit(name, payload),
    // Labels only (user text, quoted by the CSV writer); secrets never reach the export.
    keyLabels: async () => new Map((await keys.service.list()).map((k) => [k.id, k.label] as const)),
    ...(options.now ? { now: options.now } : {}),
    notices,
  });
  closers.push(() => metering.close());
  // The tokenizer worker builds the OpenAI encoders off the main thread; started shortly after start
  // (or by the first turn, which meanwhile gets a conservative estimate), so a core that lives only a
  // moment (tests) spends no thread on it. metering.close() stops it.
  const tokenizerStart = setTimeout(() => metering.tokens.start(), 1000);
  tokenizerStart.unref();
  closers.push(() => clearTimeout(tokenizerStart));
  const modelLookup: ModelLookup = catalog;
  const callAdmission: CallAdmission = metering.admission;

  // --- router, sessions ----------------------------------------------------------------------
  // Settings are read once per change, not per turn: SettingsStore.get() reads the file.
  let routerSettings = settings.get();
  settings.onChange((next) => {
    routerSettings = next;
  });
  // SDK clients are reused per key and hold its secret: a deleted, rotated or re-locked key's client is dropped at once.
  const adapters = cachedAdapterFactory();
  forgetOnKeyChange((listener) => bus.on(listener), adapters);

  // --- team server (optional) ----------------------------------------------------------------
  // When connected, team key ids route through the team server's OpenAI-compatible endpoint and
  // "System default" is the team's managed model; own-key usage uploads in the background.
  const routedAdapters = withTeamAdapters(adapters);
  const team = new TeamService({
    dataDir: options.dataDir,
    vault: keys.vault,
    ledger: metering.ledger,
    audit: (entry) => keys.audit.append(entry),
    emit: (name, payload) => bus.emit(name, payload),
    logger,
    notices,
    ...(options.now ? { now: options.now } : {}),
    onTokenChange: () => routedAdapters.forgetTeam(),
  });
  const offTeamEvents = bus.on((event) => team.onEvent(event));
  team.start();
  // Registered before the router's closer, so closed after it: the last turns' usage can still be recorded.
  closers.push(async () => {
    offTeamEvents();
    await team.close();
  });

  const routerKeys = withTeamKeys(keys.service, team);
  const router = new ChatRouter({
    keys: routerKeys,
    admission: callAdmission,
    models: modelLookup,
    settings: () => routerSettings,
    emit: (name, payload) => bus.emit(name, payload),
    logger,
    adapters: routedAdapters,
    systemDefault: teamFirst(team, environmentSystemDefault(keys.service)),
  });
  // Deleting a key ends the sessions that use it (session.ended), stops their running turns and drops its health history.
  keys.setSessionEnder(router);
  // Registered after metering, so closed before it: running turns are stopped and metered first.
  closers.push(async () => {
    keys.setSessionEnder(null);
    await router.close();
  });

  // --- agents, tools, MCP servers ------------------------------------------------------------
  // chat.send lives here: an agent (instructions, model or power level, allowed tools) is applied,
  // then the router runs the turn.
  const agentArea = createAgentArea({
    dataDir: options.dataDir,
    logger,
    version: options.version,
    keys: keys.service,
    vault: keys.vault,
    models: catalog,
    settings: () => routerSettings,
    emit: (name, payload) => bus.emit(name, payload),
    estimate: (target, messages, maxTokens) => router.estimate({ target, messages, ...(maxTokens !== undefined ? { params: { maxTokens } } : {}) }),
    run: (request, agent) => router.send(request, agent),
    estimateTurn: (req) => router.estimate(req),
    ...(options.now ? { now: options.now } : {}),
    notices,
  });
  // Closers run last-in first: placed before the router's, MCP servers stop after the turns that use them.
  closers.splice(closers.length - 1, 0, () => agentArea.close());

  const handlers: Partial<HandlerMap> = {
    ...routerHandlers(router, keys.service),
    ...teamHandlers(team),
    ...agentArea.handlers,
    ...catalogArea.handlers,
    ...metering.handlers,
    'ledger.reset': () => metering.reset(),
    ...keys.handlers,
    ...appHandlers({
      dataDir: options.dataDir,
      version: options.version,
      transport: options.transport,
      settings,
      vaultStatus,
      catalogCheckedAt: () => catalog.checkedAt,
      notices: () => notices.list(),
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
    exportCsv: async (input) => metering.exportCsv(input),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
