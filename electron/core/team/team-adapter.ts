import type OpenAI from 'openai';
import { TEAM_DEFAULT_KEY_ID } from '../../../shared/contract/index.js';
import { redactText } from '../app/logger.js';
import type { ResolvedKey } from '../ports.js';
import { createOpenAIClient } from '../providers/clients.js';
import { classifyProviderError } from '../providers/errors.js';
import { OpenAIAdapter } from '../providers/adapters/openai-adapter.js';
import type { AdapterFactory, ProviderAdapter } from '../providers/adapters/index.js';
import type { AdapterEvent, Classify, ProviderFailure } from '../providers/adapters/types.js';
import { parseTeamModelId } from './team-client.js';
import { teamHost } from './team-url.js';

/**
 * The model id sent to the team server: "default" for the team's managed model (whatever the owner
 * chose last), "<provider>/<model>" for one of the team's allowed models.
 */
export function teamWireModel(key: Pick<ResolvedKey, 'id' | 'provider'>, model: string): string {
  return key.id === TEAM_DEFAULT_KEY_ID ? 'default' : `${key.provider}/${model}`;
}

/**
 * Failures of a call through the team server, in the router's terms. A budget refusal (429
 * LIMIT_EXCEEDED) carries the server's own words and is never retried; a refused or revoked token is
 * not a provider key problem, so it never sends the router to the member's own keys.
 */
export function teamClassifier(baseUrl: string, token: string): Classify {
  const host = teamHost(baseUrl);
  return (err: unknown): ProviderFailure => {
    const e = err as { status?: unknown; code?: unknown; error?: { message?: unknown; code?: unknown }; headers?: { get?(name: string): string | null } } | null;
    const status = typeof e?.status === 'number' ? e.status : null;
    const code = typeof e?.code === 'string' ? e.code : typeof e?.error?.code === 'string' ? e.error.code : null;
    const said = typeof e?.error?.message === 'string' && e.error.message.trim() !== '' ? redactText(e.error.message, [token]).slice(0, 400) : null;
    const noRetry = e?.headers?.get?.('x-should-retry') === 'false';
    const fail = (c: ProviderFailure['code'], message: string, retryable: boolean, hint?: string): ProviderFailure => ({
      code: c,
      message,
      status,
      retryable,
      retryAfterMs: null,
      ...(hint ? { hint } : {}),
    });
    if (status === 429 && (code === 'LIMIT_EXCEEDED' || noRetry)) {
      return fail('LIMIT_EXCEEDED', said ?? `Your budget on the team server (${host}) does not cover this call.`, false, 'Ask the team owner to raise your budget, or pick one of your own models.');
    }
    if (status === 401) {
      // Not KEY_INVALID (that sends the router to the member's own keys) and not UNAUTHORIZED (the web host's own 401).
      return fail('KEY_NEEDS_REENTRY', `The team server (${host}) no longer accepts your member token: it was revoked or has expired.`, false, 'Ask the team owner for a new token and connect again in Settings → Team.');
    }
    if (status === 403) {
      return fail('PROVIDER_ERROR', `The team server (${host}) refused this call${said ? `: ${said}` : '.'}`, false, 'Ask the team owner what your token may use.');
    }
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) {
      return fail('PROVIDER_ERROR', `The team server (${host}) refused the request${said ? `: ${said}` : ` (HTTP ${status})`}.`, false, 'Pick another model, or ask the team owner which models the team allows.');
    }
    const info = classifyProviderError(err, 'openai', { provider: 'openai-compatible', baseUrl, secrets: [token] });
    const failure: ProviderFailure = { code: info.code, message: info.message, status: info.status, retryable: info.retryable, retryAfterMs: info.retryAfterMs, hint: info.hint };
    switch (info.cause) {
      case 'network':
      case 'endpoint':
        return { ...failure, code: 'NETWORK', message: `Could not reach the team server at ${host}.`, retryable: true, hint: 'Check your network connection; Settings → Team shows whether the server answers.' };
      case 'timeout':
        return { ...failure, message: `The team server (${host}) did not answer in time.` };
      case 'server':
      case 'overloaded':
        return { ...failure, message: `The team server (${host}) had a problem${status !== null ? ` (HTTP ${status})` : ''}${said ? `: ${said}` : ''}.` };
      case 'rate-limit':
        return { ...failure, message: said ? `The team server (${host}) asks to slow down: ${said}` : `The team server (${host}) asks to slow down.` };
      default:
        // Never a key failure: the router would otherwise try the member's own keys for a team call.
        return failure.code === 'KEY_INVALID' || failure.code === 'QUOTA_EXHAUSTED' || failure.code === 'PERMISSION_DENIED' ? { ...failure, code: 'PROVIDER_ERROR' } : failure;
    }
  };
}

export interface TeamAdapterOptions {
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** An AdapterFactory that sends team keys (source "team") through the team server and every other key to `inner`. */
export interface TeamAdapterFactory extends AdapterFactory {
  /** Drops the kept client (and with it the token): disconnect, reconnect. */
  forgetTeam(): void;
}

/**
 * Team calls use the OpenAI adapter against `<server>/v1` with the member token as its key. One SDK
 * client is kept per token seal (key.version), so the token is decrypted only to build it.
 */
export function withTeamAdapters(inner: AdapterFactory, options: TeamAdapterOptions = {}): TeamAdapterFactory {
  let kept: { fingerprint: string; client: OpenAI; classify: Classify } | null = null;
  const factory = (key: ResolvedKey): ProviderAdapter => {
    if (key.source !== 'team') return inner(key);
    const fingerprint = `${key.baseUrl ?? ''}\u0000${key.version ?? ''}`;
    if (!kept || kept.fingerprint !== fingerprint || key.version === undefined) {
      const token = key.secret;
      const client = createOpenAIClient(
        { provider: 'openai-compatible', secret: token, baseUrl: key.baseUrl, options: {} },
        { ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) },
      );
      kept = { fingerprint, client, classify: teamClassifier(key.baseUrl ?? '', token) };
    }
    const adapter = new OpenAIAdapter(kept.client, 'openai-compatible', kept.classify);
    return {
      wire: 'openai',
      stream: (req, signal) => servedModelsOf(adapter.stream({ ...req, model: teamWireModel(key, req.model) }, signal)),
    };
  };
  return Object.assign(factory, {
    forgetTeam: () => {
      kept = null;
    },
  });
}

/** The server names the model it used as "<provider>/<model>"; the answer names it as the app does. */
async function* servedModelsOf(events: AsyncIterable<AdapterEvent>): AsyncGenerator<AdapterEvent> {
  for await (const ev of events) {
    if (ev.type === 'done' && ev.model) {
      const ref = parseTeamModelId(ev.model);
      yield ref ? { ...ev, model: ref.model } : ev;
    } else {
      yield ev;
    }
  }
}
