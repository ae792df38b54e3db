import { FileNotices } from '../app/file-notices.js';
import { randomUUID } from 'node:crypto';
import {
  AppError,
  ProviderId,
  TEAM_DEFAULT_KEY_ID,
  TEAM_KEY_PREFIX,
  type AnyEvent,
  type EventName,
  type EventPayload,
  type ParsedRequest,
  type TeamStatus,
} from '../../../shared/contract/index.js';
import { last4 } from '../../../shared/providers/registry.js';
import type { CallContext } from '../app/context.js';
import type { Logger } from '../app/logger.js';
import type { AuditInput } from '../keys/audit-log.js';
import type { ResolvedKey } from '../ports.js';
import type { SystemDefault } from '../router/system-default.js';
import { CREDENTIAL_PREFIX, type Vault } from '../vault/vault.js';
import { backoffDelayMs, SYNC_BACKOFF, type BackoffOptions } from './backoff.js';
import { BudgetAlerts, teamBudgetStates } from './team-budgets.js';
import { TeamClient, type TeamMe, type TeamModels } from './team-client.js';
import { TeamFiles, type TeamConnection, type TeamSnapshot } from './team-store.js';
import { isInsecureTeamUrl, normalizeTeamUrl, teamHost } from './team-url.js';
import { newConnectionId, SHARED_SOURCES, UsageSync, type SyncLedger, type SyncRun } from './usage-sync.js';

/** The vault id of the member token (a credential: sealed like a key, never listed as one). */
export const TEAM_TOKEN_ID = `${CREDENTIAL_PREFIX}team-member-token`;

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;
type Problem = { code: string; message: string; at: number };

export interface TeamTimings {
  /** After an own call settles, wait this long before uploading (calls in a burst go together). */
  syncDelayMs: number;
  /** ...but upload no later than this after the first call of a burst. */
  syncMaxWaitMs: number;
  /** After a team call settles, wait this long before asking the server for the budgets again. */
  refreshDelayMs: number;
  /** How often the background looks for work: pending uploads, budgets older than refreshEveryMs. */
  tickMs: number;
  refreshEveryMs: number;
  backoff: BackoffOptions;
}

export const DEFAULT_TEAM_TIMINGS: TeamTimings = { syncDelayMs: 2_000, syncMaxWaitMs: 15_000, refreshDelayMs: 1_000, tickMs: 60_000, refreshEveryMs: 5 * 60_000, backoff: SYNC_BACKOFF };

export interface TeamServiceOptions {
  dataDir: string;
  vault: Pick<Vault, 'putCredential' | 'credential' | 'revealCredential' | 'removeCredential'>;
  ledger: SyncLedger;
  audit: (entry: AuditInput) => void;
  emit: Emit;
  logger: Logger;
  /** Where a damaged team.json or sync cursor is reported (app.info); the log only, when not given. */
  notices?: FileNotices;
  now?: () => number;
  /** Called when the connection or its token changes, so kept SDK clients (holding the token) are dropped. */
  onTokenChange?: () => void;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  timings?: Partial<TeamTimings>;
}

const PROVIDERS = new Set<string>(ProviderId.options);

/**
 * The app's side of the team server: the connection (URL, member, token in the vault), what the
 * server last said (budgets, default and allowed models), the keys that route calls through it, and
 * the background upload of the app's own usage.
 */
export class TeamService {
  private conn: TeamConnection | null = null;
  private readonly files: TeamFiles;
  private readonly sync: UsageSync;
  private readonly alerts: BudgetAlerts;
  private readonly now: () => number;
  private readonly timings: TeamTimings;
  private reachable = false;
  private lastError: Problem | null = null;
  private syncError: Problem | null = null;
  private failures = 0;
  private nextAttemptAt: number | null = null;
  private running: Promise<SyncRun> | null = null;
  private refreshing: Promise<void> | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncTimerAt = 0;
  private syncFirstAt = 0;
  private refreshTimer: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly stopping = new AbortController();
  /** What team.changed last announced, so it is sent only when something visible changed. */
  private announced = '';

  constructor(private readonly opts: TeamServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.files = new TeamFiles(opts.dataDir, { notices: opts.notices ?? new FileNotices(opts.logger), now: this.now });
    this.sync = new UsageSync({ ledger: opts.ledger, files: this.files, now: this.now });
    this.alerts = new BudgetAlerts(opts.emit);
    this.timings = { ...DEFAULT_TEAM_TIMINGS, ...opts.timings };
  }

  /** Loads a saved connection and starts the background work (budgets, uploads). */
  start(): void {
    const conn = this.files.readConnection();
    if (conn) {
      this.conn = conn;
      this.sync.load(conn.connectionId);
      this.reachable = false;
    }
    this.tick = setInterval(() => this.onTick(), this.timings.tickMs);
    this.tick.unref();
    if (this.conn) {
      this.scheduleRefresh(0);
      this.scheduleSync(this.timings.syncDelayMs);
    }
    this.announced = this.fingerprint();
  }

  async close(): Promise<void> {
    this.closed = true;
    // Requests in flight end now: a server that hangs must not hold the app's exit.
    this.stopping.abort();
    this.clearTimers();
    await Promise.allSettled([this.running, this.refreshing]);
  }

  // --- contract ----------------------------------------------------------------------------------

  async connect(req: ParsedRequest<'team.connect'>, ctx: CallContext): Promise<{ connected: true; member: { id: string; name: string; role?: string } }> {
    const url = normalizeTeamUrl(req.url);
    const token = req.token;
    this.opts.logger.redact(token);
    const host = teamHost(url);
    const client = this.client(url, token);
    let me;
    try {
      me = await client.me();
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('NETWORK', `Could not connect to ${host}.`, { field: 'url' });
      this.opts.audit({ action: 'team-connect', result: 'failed', actor: ctx.actor, detail: `${host}: ${e.code}` });
      throw e;
    }
    const models = await this.modelsOrNull(client);

    const previous = this.conn;
    const resumes = previous !== null && previous.url === url && previous.member.id === me.id;
    try {
      // Replaced, never updated in place: a saved token in a locked vault cannot be changed, but can always be removed.
      this.opts.vault.removeCredential(TEAM_TOKEN_ID);
      this.opts.vault.putCredential(TEAM_TOKEN_ID, { provider: 'openai-compatible', label: `Team server ${host}`, baseUrl: url }, token);
    } catch (err) {
      this.opts.audit({ action: 'team-connect', result: 'failed', actor: ctx.actor, detail: `${host}: the token could not be kept` });
      throw err instanceof AppError ? err : new AppError('INTERNAL', 'The member token could not be kept in the vault.');
    }
    this.opts.onTokenChange?.();
    const snapshot: TeamSnapshot = {
      me,
      defaultModel: defaultOf(me, models) ?? (resumes && !models ? previous.snapshot.defaultModel : null),
      allowedModels: models?.allowed ?? (resumes ? previous.snapshot.allowedModels : []),
      checkedAt: this.now(),
    };
    const conn: TeamConnection = {
      version: 1,
      connectionId: resumes ? previous.connectionId : newConnectionId(),
      url,
      member: { id: me.id, name: me.name, ...(me.role ? { role: me.role } : {}) },
      tokenLast4: last4(token),
      connectedAt: resumes ? previous.connectedAt : this.now(),
      deviceId: resumes ? previous.deviceId : randomUUID(),
      snapshot,
    };
    try {
      this.files.writeConnection(conn);
      if (resumes) this.sync.load(conn.connectionId);
      else this.sync.begin(conn.connectionId);
    } catch (err) {
      this.opts.vault.removeCredential(TEAM_TOKEN_ID);
      this.opts.audit({ action: 'team-connect', result: 'failed', actor: ctx.actor, detail: `${host}: could not be saved` });
      throw err;
    }
    this.conn = conn;
    this.reachable = true;
    this.lastError = null;
    this.syncError = null;
    this.failures = 0;
    this.nextAttemptAt = null;
    this.alerts.reset();
    this.alerts.update(teamBudgetStates(me, this.now()));
    this.opts.audit({ action: 'team-connect', result: 'ok', actor: ctx.actor, detail: `${host} as ${me.name}` });
    this.opts.logger.info('connected to a team server', { host, member: me.id });
    this.scheduleSync(this.timings.syncDelayMs);
    this.announce(true);
    return { connected: true, member: conn.member };
  }

  async status(req: ParsedRequest<'team.status'>): Promise<TeamStatus> {
    if (req.refresh) await this.refresh();
    return this.describe();
  }

  disconnect(ctx: CallContext): { connected: false } {
    const conn = this.conn;
    // The token goes first: if the vault cannot be rewritten, nothing else changes and the member can try again.
    this.opts.vault.removeCredential(TEAM_TOKEN_ID);
    this.opts.onTokenChange?.();
    this.clearSyncTimers();
    this.conn = null;
    this.sync.forget();
    this.files.clear();
    this.reachable = false;
    this.lastError = null;
    this.syncError = null;
    this.failures = 0;
    this.nextAttemptAt = null;
    this.alerts.reset();
    if (conn) this.opts.audit({ action: 'team-disconnect', result: 'ok', actor: ctx.actor, detail: teamHost(conn.url) });
    this.announce(true);
    return { connected: false };
  }

  /** team.sync: uploads now (after any upload already running), whatever the backoff says. */
  async syncNow(): Promise<{ uploaded: number; pending: number; sharing: boolean; message: string }> {
    if (!this.conn) throw new AppError('CONFLICT', 'Switchboard is not connected to a team server.', { hint: 'Connect in Settings → Team first.' });
    if (!this.sync.sharing) {
      return { uploaded: 0, pending: 0, sharing: false, message: 'Sharing is off: nothing was uploaded. Turn it on in Settings → Team to share the usage of your own keys.' };
    }
    if (this.running) await this.running.catch(() => undefined);
    const result = await this.runSync();
    const message =
      result.uploaded > 0
        ? `Uploaded ${result.uploaded} ${result.uploaded === 1 ? 'call' : 'calls'}.${result.pending > 0 ? ` ${result.pending} still running or waiting.` : ''}`
        : result.pending > 0
          ? `Nothing to upload yet: ${result.pending} ${result.pending === 1 ? 'call is' : 'calls are'} still running.`
          : 'Everything is already shared.';
    return { ...result, sharing: true, message };
  }

  setSharing(on: boolean): TeamStatus {
    if (!this.conn) throw new AppError('CONFLICT', 'Switchboard is not connected to a team server.', { hint: 'Connect in Settings → Team first.' });
    this.sync.setSharing(on);
    if (on) this.scheduleSync(0);
    else this.clearSyncTimers();
    this.announce(true);
    return this.describe();
  }

  // --- routing -----------------------------------------------------------------------------------

  /**
   * The team's managed model as "System default", while connected with a usable token. The model is
   * the server's last answer; when it never named one yet, it is asked first.
   */
  async systemDefault(): Promise<SystemDefault | null> {
    if (this.conn && !this.conn.snapshot.defaultModel && this.tokenAvailable()) await this.refresh();
    return this.currentDefault();
  }

  private currentDefault(): SystemDefault | null {
    const d = this.conn?.snapshot.defaultModel;
    const key = d ? this.keyFor(TEAM_DEFAULT_KEY_ID, d.provider) : null;
    return key && d ? { key, model: d.model } : null;
  }

  /** The key behind a team key id (team:default, team:<provider>), or null when the team cannot serve it. */
  teamKey(id: string): ResolvedKey | null {
    if (id === TEAM_DEFAULT_KEY_ID) return this.currentDefault()?.key ?? null;
    const provider = id.slice(TEAM_KEY_PREFIX.length);
    return PROVIDERS.has(provider) ? this.keyFor(id, provider as ProviderId) : null;
  }

  /** Why a team key cannot be used now, for the router's error. */
  unavailableReason(): string {
    if (!this.conn) return 'Switchboard is not connected to a team server.';
    if (!this.tokenAvailable()) return 'The member token of the team connection is not available (it was kept for an earlier session only, or the vault is locked).';
    return 'The team server has not named a default model yet.';
  }

  private keyFor(id: string, provider: ProviderId): ResolvedKey | null {
    const conn = this.conn;
    if (!conn) return null;
    const rec = this.opts.vault.credential(TEAM_TOKEN_ID);
    if (!rec || rec.blocked || !rec.meta.sealed) return null;
    const vault = this.opts.vault;
    return {
      id,
      provider,
      label: `Team server ${teamHost(conn.url)}`,
      get secret(): string {
        return vault.revealCredential(TEAM_TOKEN_ID);
      },
      baseUrl: `${conn.url}/v1`,
      options: {},
      source: 'team',
      version: `team:${rec.layer}:${rec.meta.sealed.iv}:${rec.meta.sealed.tag}`,
    };
  }

  // --- background --------------------------------------------------------------------------------

  /** Core events: own calls are uploaded soon after they settle; team calls change the budgets. */
  onEvent(event: AnyEvent): void {
    if (!this.conn || this.closed) return;
    if (event.name === 'usage.recorded') {
      const source = event.payload.record.source;
      if (SHARED_SOURCES.includes(source)) {
        if (this.sync.sharing) this.scheduleSync(this.timings.syncDelayMs, true);
      } else if (source === 'team') {
        this.scheduleRefresh(this.timings.refreshDelayMs);
      }
    } else if (event.name === 'vault.changed') {
      this.opts.onTokenChange?.();
      this.announce(false);
    }
  }

  private onTick(): void {
    if (!this.conn || this.closed) return;
    const checked = this.conn.snapshot.checkedAt ?? 0;
    if (this.now() - checked >= this.timings.refreshEveryMs) this.scheduleRefresh(0);
    if (this.sync.sharing && !this.running && (this.nextAttemptAt === null || this.now() >= this.nextAttemptAt) && this.sync.pending() > 0) {
      this.scheduleSync(0);
    }
  }

  /**
   * One upload timer. `afterCall`: each own call pushes the upload back by syncDelayMs, so a burst of
   * calls goes in one batch, but never further than syncMaxWaitMs after the first of them.
   */
  private scheduleSync(delayMs: number, afterCall = false): void {
    if (this.closed || !this.conn) return;
    const now = this.now();
    let at = Math.max(now + delayMs, this.nextAttemptAt ?? 0);
    if (this.syncTimer) {
      if (afterCall) at = Math.min(at, Math.max(this.syncFirstAt + this.timings.syncMaxWaitMs, this.nextAttemptAt ?? 0));
      else if (this.syncTimerAt <= at) return;
      clearTimeout(this.syncTimer);
    } else {
      this.syncFirstAt = now;
    }
    this.syncTimerAt = at;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      void this.backgroundSync();
    }, Math.max(0, at - this.now()));
    this.syncTimer.unref();
  }

  private async backgroundSync(): Promise<void> {
    if (this.closed || !this.conn || !this.sync.sharing) return;
    if (this.running) {
      // Settled calls that arrived meanwhile are picked up by another run right after.
      await this.running.catch(() => undefined);
      if (this.sync.pending() === 0) return;
    }
    try {
      await this.runSync();
    } catch {
      // Recorded in syncError; the next attempt is scheduled with backoff.
    }
  }

  /** One upload pass; failures feed the backoff and the status, then rethrow. */
  private runSync(): Promise<SyncRun> {
    const conn = this.conn;
    if (!conn) return Promise.resolve({ uploaded: 0, pending: 0 });
    const run = (async () => {
      const token = this.token();
      const client = this.client(conn.url, token);
      return this.sync.run((records) => client.uploadUsage(conn.deviceId, records, this.stopping.signal));
    })();
    const tracked = run.then(
      (result) => {
        this.failures = 0;
        this.nextAttemptAt = null;
        this.syncError = null;
        this.reachable = true;
        this.announce(false);
        return result;
      },
      (err: unknown) => {
        const e = asAppError(err, 'The usage upload failed.');
        this.failures++;
        const wait = backoffDelayMs(this.failures, this.timings.backoff);
        this.nextAttemptAt = this.now() + wait;
        this.syncError = { code: e.code, message: e.message, at: this.now() };
        if (e.code === 'NETWORK' || e.code === 'TIMEOUT') this.reachable = false;
        this.opts.logger.info('team usage upload failed; will try again', { code: e.code, inMs: wait });
        this.scheduleSync(wait);
        this.announce(false);
        const pending = this.sync.pending();
        throw new AppError(e.code, `${e.message} ${pending} ${pending === 1 ? 'call waits' : 'calls wait'} and will be uploaded when the team server answers.`, { ...e.details, pending });
      },
    );
    this.running = tracked;
    void tracked.then(
      () => this.clearRunning(tracked),
      () => this.clearRunning(tracked),
    );
    return tracked;
  }

  private clearRunning(p: Promise<SyncRun>): void {
    if (this.running === p) this.running = null;
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.closed || !this.conn || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
    this.refreshTimer.unref();
  }

  /** Asks the server for the member's budgets and the team's models; a failure is kept for the status, never thrown. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const p = this.doRefresh().finally(() => {
      if (this.refreshing === p) this.refreshing = null;
    });
    this.refreshing = p;
    return p;
  }

  private async doRefresh(): Promise<void> {
    const conn = this.conn;
    if (!conn || !this.tokenAvailable()) return;
    let token: string;
    try {
      token = this.token();
    } catch {
      return;
    }
    const client = this.client(conn.url, token);
    try {
      const me = await client.me(this.stopping.signal);
      const models = await this.modelsOrNull(client);
      if (this.conn?.connectionId !== conn.connectionId) return;
      const snapshot: TeamSnapshot = {
        me,
        defaultModel: me.team?.default !== undefined || models ? defaultOf(me, models) : conn.snapshot.defaultModel,
        allowedModels: models ? models.allowed : conn.snapshot.allowedModels,
        checkedAt: this.now(),
      };
      const next: TeamConnection = { ...conn, member: { id: me.id, name: me.name, ...(me.role ? { role: me.role } : {}) }, snapshot };
      this.conn = next;
      try {
        this.files.writeConnection(next);
      } catch (err) {
        this.opts.logger.warn('the team state could not be saved', { err });
      }
      this.reachable = true;
      this.lastError = null;
      this.alerts.update(teamBudgetStates(me, this.now()));
    } catch (err) {
      const e = asAppError(err, 'The team server could not be asked.');
      this.reachable = false;
      this.lastError = { code: e.code, message: e.message, at: this.now() };
    }
    this.announce(false);
  }

  private async modelsOrNull(client: TeamClient): Promise<TeamModels | null> {
    try {
      return await client.models(this.stopping.signal);
    } catch (err) {
      this.opts.logger.info('the team server did not list its models', { code: err instanceof AppError ? err.code : 'error' });
      return null;
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  private client(url: string, token: string): TeamClient {
    return new TeamClient({ url, token, ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}), ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}) });
  }

  private tokenAvailable(): boolean {
    const rec = this.opts.vault.credential(TEAM_TOKEN_ID);
    return rec !== undefined && !rec.blocked && rec.meta.sealed !== null;
  }

  private token(): string {
    if (!this.tokenAvailable()) throw new AppError('KEY_NEEDS_REENTRY', `${this.unavailableReason()} Connect again in Settings → Team.`);
    return this.opts.vault.revealCredential(TEAM_TOKEN_ID);
  }

  private describe(): TeamStatus {
    const conn = this.conn;
    const cursor = this.sync.state;
    const sync = {
      sharing: cursor?.sharing ?? true,
      lastSyncAt: cursor?.lastSyncAt ?? null,
      pending: conn ? this.sync.pending() : 0,
      uploaded: cursor?.uploaded ?? 0,
      nextAttemptAt: this.nextAttemptAt,
      lastError: this.syncError,
    };
    if (!conn) {
      return {
        connected: false,
        url: null,
        teamName: null,
        member: null,
        tokenLast4: null,
        tokenAvailable: false,
        insecure: false,
        checkedAt: null,
        reachable: false,
        limits: null,
        used: null,
        budgets: [],
        defaultModel: null,
        allowedModels: [],
        lastError: null,
        sync,
      };
    }
    const me = conn.snapshot.me;
    return {
      connected: true,
      url: conn.url,
      teamName: conn.snapshot.me?.team?.name ?? null,
      member: conn.member,
      tokenLast4: conn.tokenLast4,
      tokenAvailable: this.tokenAvailable(),
      insecure: isInsecureTeamUrl(conn.url),
      checkedAt: conn.snapshot.checkedAt,
      reachable: this.reachable,
      limits: me ? { dailyTokens: me.limits.dailyTokens ?? null, monthlyUsd: me.limits.monthlyUsd ?? null } : null,
      used: me ? { dailyTokens: me.used.dailyTokens ?? 0, monthlyUsd: me.used.monthlyUsd ?? 0 } : null,
      budgets: teamBudgetStates(me, this.now()),
      defaultModel: conn.snapshot.defaultModel,
      allowedModels: conn.snapshot.allowedModels,
      lastError: this.lastError,
      sync,
    };
  }

  /** Everything team.changed stands for, without times that move by themselves. */
  private fingerprint(): string {
    const s = this.describe();
    return JSON.stringify([s.connected, s.url, s.member, s.tokenAvailable, s.reachable, s.budgets.map((b) => [b.used, b.limit]), s.defaultModel, s.allowedModels, s.lastError?.code, s.sync.sharing, s.sync.pending, s.sync.uploaded, s.sync.lastError?.code]);
  }

  private announce(always: boolean): void {
    const next = this.fingerprint();
    if (!always && next === this.announced) return;
    this.announced = next;
    this.opts.emit('team.changed', {});
  }

  private clearSyncTimers(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
  }

  private clearTimers(): void {
    this.clearSyncTimers();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
  }
}

/** The team's default model: what /api/me says (newer servers), else the entry /v1/models marks. */
function defaultOf(me: TeamMe, models: TeamModels | null): TeamSnapshot['defaultModel'] {
  if (me.team?.default !== undefined) return me.team.default;
  return models?.default ?? null;
}

function asAppError(err: unknown, fallback: string): AppError {
  return err instanceof AppError ? err : new AppError('INTERNAL', fallback);
}

