import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AppError, type ChatSendResponse, type ChatTarget, type EventName, type EventPayload } from '../../shared/contract/index.js';
import type { ChatRouter } from '../../electron/core/router/router.js';
import type { CallContexts } from '../budget/admission.js';
import { readJson } from '../http/body.js';
import { ApiError, errorBody, toApiError } from '../http/errors.js';
import type { RequestContext } from '../http/routes.js';
import { modelKey, type ModelRef, type TeamSettingsStore } from '../team/team-settings.js';
import { openAiField, parseChatRequest } from './request.js';
import { chunk, completionJson, finishReason, openAiUsage, switchboardExtra } from './shapes.js';

/** Long conversations fit; anything larger is refused with 413 before it is read. */
const CHAT_BODY = 16 * 1024 * 1024;
/** A streamed answer that has not started this long after admission gets its headers and keep-alive comments, so proxies keep the connection. */
const HEADERS_AFTER_MS = 5_000;
const KEEP_ALIVE_MS = 10_000;

/** Routes the router's chat.delta events to the HTTP response of their turn. */
export class DeltaRouter {
  private readonly byStream = new Map<string, (text: string) => void>();
  readonly emit = <E extends EventName>(name: E, payload: EventPayload<E>): void => {
    if (name !== 'chat.delta') return;
    const p = payload as EventPayload<'chat.delta'>;
    this.byStream.get(p.streamId)?.(p.text);
  };
  on(streamId: string, listener: (text: string) => void): () => void {
    this.byStream.set(streamId, listener);
    return () => this.byStream.delete(streamId);
  }
}

export interface ChatEndpointDeps {
  router: ChatRouter;
  settings: TeamSettingsStore;
  contexts: CallContexts;
  deltas: DeltaRouter;
}

/**
 * POST /v1/chat/completions: the app's own router (retries, key failover, health, metering by the
 * app's usage rules and prices) behind OpenAI's wire shape. Budgets are decided by admission before
 * any provider request, so a refusal is an HTTP 429 with x-should-retry: false, even when streaming
 * (the stream's headers wait for the first token).
 */
export async function chatCompletions(deps: ChatEndpointDeps, ctx: RequestContext): Promise<undefined> {
  const { req, res, member } = ctx;
  const chat = parseChatRequest(await readJson(req, CHAT_BODY));
  const ref = await resolveModel(deps.settings, chat.model);
  const target: ChatTarget = { provider: ref.provider, model: ref.model };
  const sessionId = `team-${randomUUID()}`;
  const streamId = randomUUID();
  const id = `chatcmpl-${streamId.replace(/-/g, '')}`;
  const created = Math.floor(Date.now() / 1000);
  const modelName = modelKey(ref);
  const stream = chat.stream ? new SseAnswer(res, id, created, modelName) : null;

  deps.contexts.set(sessionId, { memberId: member.id, ...(stream ? { onAdmitted: () => stream.admitted() } : {}) });
  const offDelta = stream ? deps.deltas.on(streamId, (text) => stream.delta(text)) : () => {};
  // A client that goes away stops the provider request; what was used is still metered.
  const onClose = () => {
    if (!res.writableFinished) deps.router.cancel({ streamId });
  };
  res.on('close', onClose);
  try {
    const answer = await deps.router.send({ sessionId, target, messages: chat.messages, params: chat.params, stream: chat.stream, streamId });
    if (stream) stream.finish(answer, chat.includeUsage);
    else res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(completionJson(id, created, modelName, answer)));
  } catch (err) {
    const error = forClients(err, ref);
    if (stream?.started) stream.fail(error);
    else throw error;
  } finally {
    stream?.stop();
    offDelta();
    res.off('close', onClose);
    deps.contexts.delete(sessionId);
    deps.router.sessions.close(sessionId);
  }
  return undefined;
}

/** The router's errors in an OpenAI client's terms: its field names, and the team's key situation instead of the app's settings. */
function forClients(err: unknown, ref: ModelRef): unknown {
  if (!(err instanceof AppError)) return err;
  if (err.code === 'KEY_NOT_FOUND') {
    return new AppError('KEY_NOT_FOUND', `The team has no ${ref.provider} key for ${modelKey(ref)} right now; the team's owner adds one on the admin page.`);
  }
  const field = err.details?.field;
  if (typeof field === 'string') return new AppError(err.code, err.message.replace(field, openAiField(field)), { ...err.details, field: openAiField(field) });
  return err;
}

/** `default`, `<provider>/<model>` among the team's models, or a bare model id that names exactly one of them. */
export async function resolveModel(settings: TeamSettingsStore, asked: string): Promise<ModelRef> {
  const usable = await settings.usable();
  if (asked === 'default') {
    const def = (await settings.get()).default;
    if (!def) throw new ApiError(503, 'SYSTEM_DEFAULT_UNAVAILABLE', 'The team has no default model yet; the owner chooses one on the admin page.', { param: 'model' });
    return def;
  }
  const exact = usable.find((m) => modelKey(m) === asked);
  if (exact) return exact;
  const bare = usable.filter((m) => m.model === asked);
  if (bare.length === 1) return bare[0]!;
  const names = ['default', ...usable.map(modelKey)].slice(0, 20).join(', ');
  throw new ApiError(404, 'NOT_FOUND', `The model "${asked}" is not one of the team's models. Use one of: ${names}.`, { param: 'model' });
}

/** One streamed answer in OpenAI's server-sent events. */
class SseAnswer {
  started = false;
  private timer: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly id: string,
    private readonly created: number,
    private readonly model: string,
  ) {}

  /** Admission said yes: if no token comes soon, start the stream anyway and keep it alive. */
  admitted(): void {
    if (this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
      this.keepAlive = setInterval(() => this.res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    }, HEADERS_AFTER_MS);
  }

  delta(text: string): void {
    this.start();
    this.send(chunk(this.id, this.created, this.model, { content: text }, null));
  }

  finish(answer: ChatSendResponse, includeUsage: boolean): void {
    this.start();
    this.send(chunk(this.id, this.created, this.model, {}, finishReason(answer.finishReason)));
    if (includeUsage) {
      this.send({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, system_fingerprint: null, choices: [], usage: openAiUsage(answer.usage), switchboard: switchboardExtra(answer) });
    }
    this.res.end('data: [DONE]\n\n');
  }

  /** An error after the stream began: OpenAI's in-stream error event, which the SDKs raise as an APIError. */
  fail(err: unknown): void {
    const e = toApiError(err);
    this.res.write(`data: ${errorBody(e)}\n\n`);
    this.res.end();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.timer = this.keepAlive = null;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    this.send(chunk(this.id, this.created, this.model, { role: 'assistant', content: '' }, null));
  }

  private send(value: unknown): void {
    this.res.write(`data: ${JSON.stringify(value)}\n\n`);
  }
}
