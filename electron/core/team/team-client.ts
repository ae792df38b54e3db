import { z } from 'zod';
import { AppError, ProviderId, type ErrorCode, type TeamModelRef } from '../../../shared/contract/index.js';
import { redactText } from '../app/logger.js';
import { teamHost } from './team-url.js';

/*
 * HTTP client of the team server's member API (DESIGN.md section 8): GET /api/me, GET /v1/models,
 * POST /api/sync/usage, with a member token. Every failure becomes an AppError saying, in plain
 * words, whether the address, the token, the network or the server is at fault; the token never
 * appears in one.
 */

export const DEFAULT_TEAM_TIMEOUT_MS = 15_000;
/** Answers larger than this are not a member API answer. */
const MAX_BODY_CHARS = 2_000_000;

const Num = z.number().finite();

const Ref = z.object({ provider: ProviderId, model: z.string().min(1) });
/** An instant as the server writes it: ISO text or epoch ms. */
const Instant = z.union([z.number(), z.string()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v))).pipe(z.number().finite());

/**
 * GET /api/me. The stable fields (DESIGN.md section 8) are required; what else a server tells
 * (when the windows reset, the team's name, time zone and default model) is used when present.
 */
export const TeamMe = z.object({
  id: z.string().min(1),
  name: z.string(),
  role: z.string().optional(),
  limits: z.object({ dailyTokens: Num.nonnegative().nullable().optional(), monthlyUsd: Num.nonnegative().nullable().optional() }),
  used: z.object({ dailyTokens: Num.nonnegative().optional(), monthlyUsd: Num.nonnegative().optional() }),
  resets: z.object({ day: Instant.optional().catch(undefined), month: Instant.optional().catch(undefined) }).optional().catch(undefined),
  team: z
    .object({
      name: z.string().max(200).optional().catch(undefined),
      /** Where budget days and months reset (UTC unless the owner sets one). */
      timeZone: z.string().max(64).optional().catch(undefined),
      default: Ref.nullable().optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});
export type TeamMe = z.infer<typeof TeamMe>;

const ModelEntry = z.object({ id: z.string(), switchboard: z.object({ provider: z.string(), model: z.string(), default: z.boolean().optional() }).partial().optional().catch(undefined) }).passthrough();
const ModelList = z.object({ data: z.array(ModelEntry) }).passthrough();

export interface TeamModels {
  default: TeamModelRef | null;
  allowed: TeamModelRef[];
}

export const SyncAnswer = z.object({ accepted: z.number().int().nonnegative(), duplicates: z.number().int().nonnegative() }).passthrough();
export type SyncAnswer = z.infer<typeof SyncAnswer>;

const ErrorBody = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional(), type: z.string().optional() }) });

export interface TeamClientOptions {
  /** The normalised server URL (team-url.ts). */
  url: string;
  token: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

export class TeamClient {
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TeamClientOptions) {
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TEAM_TIMEOUT_MS;
  }

  get host(): string {
    return teamHost(this.opts.url);
  }

  async me(signal?: AbortSignal): Promise<TeamMe> {
    const body = await this.request('GET', '/api/me', undefined, signal);
    const parsed = TeamMe.safeParse(body);
    if (!parsed.success) throw notATeamServer(this.host);
    return parsed.data;
  }

  async models(signal?: AbortSignal): Promise<TeamModels> {
    const body = await this.request('GET', '/v1/models', undefined, signal);
    const parsed = ModelList.safeParse(body);
    if (!parsed.success) throw notATeamServer(this.host);
    return modelsFrom(parsed.data.data);
  }

  async uploadUsage(deviceId: string, records: readonly Record<string, unknown>[], signal?: AbortSignal): Promise<SyncAnswer> {
    const body = await this.request('POST', '/api/sync/usage', { deviceId, records }, signal);
    const parsed = SyncAnswer.safeParse(body);
    if (!parsed.success) throw new AppError('PROVIDER_ERROR', `${this.host} answered the usage upload in a shape Switchboard does not know; nothing is marked as shared.`);
    return parsed.data;
  }

  private async request(method: 'GET' | 'POST', path: string, json: unknown, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetchFn(`${this.opts.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.opts.token}`,
          Accept: 'application/json',
          ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
        // A redirect could carry the token to another address: the member connects to the final one instead.
        redirect: 'manual',
        signal: combined,
      });
    } catch (err) {
      if (signal?.aborted) throw new AppError('CANCELLED', 'The request to the team server was cancelled.');
      if (timeout.aborted) throw new AppError('TIMEOUT', `${this.host} did not answer within ${Math.round(this.timeoutMs / 1000)} s. Check the address and your network, then try again.`, { field: 'url' });
      throw networkError(err, this.host);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (timeout.aborted) throw new AppError('TIMEOUT', `${this.host} stopped answering. Try again.`);
      throw networkError(err, this.host);
    }
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      throw new AppError('VALIDATION', `${this.host} redirects${to ? ` to ${safeLocation(to)}` : ' elsewhere'}: enter that address instead (the token is not sent on).`, { field: 'url' });
    }
    const body = text.length > MAX_BODY_CHARS ? undefined : parseJson(text);
    if (res.ok) {
      if (body === undefined) throw notATeamServer(this.host);
      return body;
    }
    throw httpError(res.status, body, this.host, this.opts.token, res.headers);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function safeLocation(location: string): string {
  try {
    const u = new URL(location);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'another address';
  }
}

export function notATeamServer(host: string): AppError {
  return new AppError('VALIDATION', `${host} answered, but it is not a Switchboard team server (it has no member API at /api/me). Check the address the team owner gave you.`, {
    field: 'url',
  });
}

/** The server's own words, when it sent an error in the team server's shape; redacted and shortened. */
function serverMessage(body: unknown, token: string): { code: string | null; message: string | null } {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return { code: null, message: null };
  const msg = parsed.data.error.message;
  return { code: parsed.data.error.code ?? null, message: msg ? redactText(msg, [token]).slice(0, 400) : null };
}

function httpError(status: number, body: unknown, host: string, token: string, headers: Headers): AppError {
  const said = serverMessage(body, token);
  const isTeamShape = said.code !== null || said.message !== null;
  // KEY_INVALID, not UNAUTHORIZED: that code (HTTP 401) means the app's own host refused the caller.
  if (status === 401 && isTeamShape) {
    return new AppError('KEY_INVALID', `${host} did not accept this member token: it is mistyped, revoked or expired. Ask the team owner for a new one.`, { field: 'token', status });
  }
  if (status === 403 && isTeamShape) {
    return new AppError('KEY_INVALID', `${host} refused this member token${said.message ? `: ${said.message}` : '.'}`, { field: 'token', status });
  }
  if (status === 429 && isTeamShape) {
    const code: ErrorCode = said.code === 'LIMIT_EXCEEDED' ? 'LIMIT_EXCEEDED' : 'RATE_LIMITED';
    const wait = Number(headers.get('retry-after'));
    return new AppError(code, said.message ?? `${host} asks to slow down.`, { status, ...(Number.isFinite(wait) && wait > 0 ? { retryAfterMs: wait * 1000 } : {}) });
  }
  if (status >= 500) {
    return new AppError('PROVIDER_UNAVAILABLE', `${host} had a problem (HTTP ${status})${said.message ? `: ${said.message}` : ''}. Try again later, or tell the team owner.`, { status });
  }
  if (status === 400 && isTeamShape) {
    return new AppError('PROVIDER_ERROR', `${host} refused the request${said.message ? `: ${said.message}` : ''}.`, { status });
  }
  return notATeamServer(host);
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|ERR_TLS/;

/** fetch failures carry the socket's error code in `cause` (undici). */
export function networkError(err: unknown, host: string): AppError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const text = typeof cause?.message === 'string' ? cause.message : '';
  if (TLS_CODES.test(code)) {
    return new AppError(
      'NETWORK',
      `The secure connection to ${host} failed: its certificate is not trusted here (${code}). Check the address; the team owner may need a certificate your system trusts.`,
      { field: 'url', cause: code },
    );
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(text)) {
    return new AppError('NETWORK', `${host} does not speak https on this port. Check whether the address starts with http:// or https://.`, { field: 'url', cause: code || 'EPROTO' });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new AppError('NETWORK', `The name ${host} could not be found. Check the address and your network connection.`, { field: 'url', cause: code });
  }
  if (code === 'ECONNREFUSED') {
    return new AppError('NETWORK', `Nothing answered at ${host} (connection refused). Check the address and that the team server is running.`, { field: 'url', cause: code });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new AppError('TIMEOUT', `${host} could not be reached in time. Check the address and your network connection.`, { field: 'url', cause: code });
  }
  return new AppError('NETWORK', `The connection to ${host} failed${code ? ` (${code})` : ''}. Check the address and your network connection.`, {
    field: 'url',
    ...(code ? { cause: code } : {}),
  });
}

const PROVIDER_SET = new Set<string>(ProviderId.options);

/** "<provider>/<model>" of a known provider, else null. */
export function parseTeamModelId(id: string): TeamModelRef | null {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return null;
  const provider = id.slice(0, slash);
  if (!PROVIDER_SET.has(provider)) return null;
  return { provider: provider as TeamModelRef['provider'], model: id.slice(slash + 1) };
}

/**
 * /v1/models entries: "<provider>/<model>" ids (or the entry's `switchboard` description) are the
 * allowed models; the team default is the entry marked as such, or the "default" entry naming what it
 * stands for.
 */
function modelsFrom(entries: ReadonlyArray<z.infer<typeof ModelEntry>>): TeamModels {
  const allowed: TeamModelRef[] = [];
  let def: TeamModelRef | null = null;
  for (const e of entries) {
    const sb = e.switchboard;
    const described = sb?.provider && sb.model && PROVIDER_SET.has(sb.provider) ? { provider: sb.provider as TeamModelRef['provider'], model: sb.model } : null;
    if (e.id === 'default') {
      const named = [e.model, e.target, e.resolves_to, e.root, e.parent].find((v): v is string => typeof v === 'string');
      const fromNamed = named ? parseTeamModelId(named) : null;
      def = described ?? fromNamed ?? def;
      continue;
    }
    const ref = described ?? parseTeamModelId(e.id);
    if (!ref) continue;
    if (!allowed.some((a) => a.provider === ref.provider && a.model === ref.model)) allowed.push(ref);
    if (sb?.default === true || e.default === true || e.is_default === true) def ??= ref;
  }
  return { default: def, allowed };
}
