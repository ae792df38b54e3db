import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from '../electron/core/app/logger.js';
import { CatalogService } from '../electron/core/catalog/catalog-service.js';
import { createKeyTester, type KeyTester } from '../electron/core/keys/key-tester.js';
import { TokenCounter } from '../electron/core/metering/token-counter.js';
import { cachedAdapterFactory, type AdapterFactoryOptions } from '../electron/core/providers/adapters/index.js';
import { ChatRouter } from '../electron/core/router/router.js';
import type { RouterTimeouts } from '../electron/core/router/runtime.js';
import type { RetryPolicyOptions } from '../electron/core/router/retry-policy.js';
import { adminRoutes } from './admin-api/routes.js';
import { CallContexts, PgCallAdmission } from './budget/admission.js';
import { Replica, type ReplicaOptions } from './budget/replica.js';
import { ChangeFeed } from './db/change-feed.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool, redactedUrl, type Db } from './db/pool.js';
import { startHttp, type HttpServer } from './http/server.js';
import { AdminPage } from './http/static-admin.js';
import { memberRoutes } from './member-api/routes.js';
import { DeltaRouter } from './openai/chat-endpoint.js';
import { openAiRoutes } from './openai/routes.js';
import { loadMasterKey, type MasterKey } from './security/master-key.js';
import { budgetWindows, streamDownload, validTimeZone, type Services } from './services.js';
import { ensureTeam } from './team/bootstrap.js';
import { Members } from './team/members.js';
import { TeamKeys } from './team/team-keys.js';
import { TeamSettingsStore } from './team/team-settings.js';

export interface TeamServerOptions {
  dataDir: string;
  /** postgres://…; none: the embedded PostgreSQL in `<dataDir>/postgres`. */
  databaseUrl?: string;
  masterKeyFile?: string;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The built admin page (out/team-admin); none: the page answers that it is not built. */
  adminDir?: string | null;
  logger?: Logger;
  /** Database connections this process may hold. */
  poolSize?: number;
  replica?: ReplicaOptions;
  /** Tests: shorter router waits, a fetch for the SDK clients. */
  router?: { retry?: Partial<RetryPolicyOptions>; timeouts?: Partial<RouterTimeouts>; adapters?: AdapterFactoryOptions };
  keyTester?: KeyTester;
}

export interface TeamServer {
  readonly url: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** This process created the team (and wrote the owner token) on this start. */
  readonly createdTeam: boolean;
  readonly masterKey: Pick<MasterKey, 'id' | 'source'>;
  readonly db: Db;
  readonly replicaId: string;
  close(): Promise<void>;
}

/**
 * Starts one team server process (DESIGN.md section 8): storage, schema, the team on first start,
 * the router with the server's ports, and the HTTP API. Stateless apart from caches that every
 * process drops on a change notification: any number of them can serve one database.
 */
export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? createLogger({ file: join(options.dataDir, 'logs', 'team-server.log') });
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch((err: unknown) => logger.warn('stopping failed', { err }));
  };
  try {
    const master = loadMasterKey(options.dataDir, options.masterKeyFile);

    let cluster: EmbeddedCluster | null = null;
    let url = options.databaseUrl;
    if (!url) {
      cluster = await startEmbeddedPostgres(options.dataDir, logger);
      closers.push(() => cluster!.stop());
      url = cluster.url;
    }
    const db = createPool({ url, max: options.poolSize ?? 20 });
    closers.push(() => db.end());
    let createdTeam = false;
    let teamUid = '';
    try {
      const setup = await migrate(db, () => ensureTeam(db, options.dataDir, master));
      createdTeam = setup.value.created;
      teamUid = setup.value.uid;
      if (setup.applied.length > 0) logger.info('database schema migrated', { versions: setup.applied, database: redactedUrl(url) });
    } catch (err) {
      throw new Error(`cannot set up the database ${redactedUrl(url)}: ${(err as Error).message}`);
    }

    const feed = new ChangeFeed(url, logger);
    await feed.start();
    closers.push(() => feed.close());

    const replicaId = randomUUID();
    const replica = new Replica(db, replicaId, logger, options.replica);
    await replica.start();
    closers.push(() => replica.stop());

    const catalog = new CatalogService({ dataDir: options.dataDir, logger });
    const settings = new TeamSettingsStore(db, feed);
    const members = new Members(db, feed);
    const keys = new TeamKeys(db, feed, master, teamUid, options.keyTester ?? createKeyTester(), logger);

    const tokens = new TokenCounter({ logger });
    tokens.start();
    closers.push(() => tokens.close());
    const contexts = new CallContexts();
    const admission = new PgCallAdmission(db, replicaId, contexts, tokens, logger);
    // An answer's last bytes do not wait for its settle to commit; shutdown (after the router's) waits for every write.
    admission.answerBeforeWritten = true;
    closers.push(() => admission.written());
    const deltas = new DeltaRouter();
    // SDK clients are kept per key and hold its secret: any key change on any process drops them all.
    const adapters = cachedAdapterFactory(options.router?.adapters ?? {});
    feed.on((topic) => {
      if (topic === 'keys' || topic === '*') adapters.forget();
    });
    const router = new ChatRouter({
      keys,
      admission,
      models: catalog,
      settings: () => ({ keyFailover: true, fallbackToSystemDefault: false }),
      emit: deltas.emit,
      logger,
      adapters,
      ...(options.router?.retry ? { retry: options.router.retry } : {}),
      ...(options.router?.timeouts ? { timeouts: options.router.timeouts } : {}),
    });
    // Registered after the replica, so stopped before it: running turns are metered first.
    closers.push(() => router.close());

    const services: Services = {
      db,
      feed,
      settings,
      members,
      keys,
      catalog,
      logger,
      replicaId,
      settled: () => admission.written(),
      validTimeZone: (tz) => validTimeZone(db, tz),
      windows: () => budgetWindows(db),
      streamDownload: (req, res, d) => streamDownload(req, res, d, logger),
    };
    const http: HttpServer = await startHttp({
      routes: [...adminRoutes(services), ...memberRoutes(services), ...openAiRoutes(services, { router, settings, contexts, deltas })],
      members,
      page: new AdminPage(options.adminDir ?? null),
      logger,
      host: options.host ?? '127.0.0.1',
      port: options.port,
      health: async () => (await db.query('SELECT 1')).rowCount === 1,
    });
    closers.push(() => http.close());

    return {
      url: http.url,
      port: http.port,
      databaseUrl: url,
      createdTeam,
      masterKey: { id: master.id, source: master.source },
      db,
      replicaId,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
