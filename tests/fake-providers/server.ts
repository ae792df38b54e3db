import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire, THINKING_TEXT } from './anthropic-wire.js';
import { parseDirectives } from './directives.js';
import { BodyTooLarge, Exchange, sleep } from './exchange.js';
import { FaultBook } from './faults.js';
import { geminiWire } from './gemini-wire.js';
import * as models from './models.js';
import { MODELS_DEV_PATH, modelsDevAnswer } from './models-dev.js';
import { openaiWire } from './openai-wire.js';
import { openrouterWire } from './openrouter-wire.js';
import { buildReply } from './reply.js';
import { sendFaulty, streamFrames } from './sse.js';
import { Stats, type RecordedRequest, type StatsSnapshot } from './stats.js';
import type { Flavor, Reply, WireError, WireResponse } from './types.js';
import { estimateTokens, resolveTokens } from './usage.js';
import { isRecord, maskKey, requestId, type GenerationWire, type RouteInfo } from './wire.js';

export interface FakeProvidersOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** One line per request, for debugging; silent when absent. */
  log?: (line: string) => void;
}

export interface FakeProviders {
  url: string;
  port: number;
  /**
   * What each SDK takes as its base URL (Azure: the `endpoint` of `AzureOpenAI`). `openrouter` is
   * OpenRouter's dialect of the OpenAI format (prices in its model list, usage.cost in answers).
   */
  baseUrls: { openai: string; anthropic: string; gemini: string; azure: string; openrouter: string };
  stats(): StatsSnapshot;
  /** The last 50 requests' bodies, oldest first, credentials left out. */
  requests(): RecordedRequest[];
  /** Clears counters, the request log and every fault cycle. */
  reset(): void;
  close(): Promise<void>;
}

type Key = { state: 'missing' } | { state: 'present'; value: string };

/** A model or deployment listing: which door, the answer, and how errors look there. */
interface Listing {
  flavor: Flavor;
  body: () => WireResponse | null;
  /** Answers without a key (OpenRouter's model list). */
  public?: boolean;
  /** Errors in a dialect's own shape (OpenRouter); the flavor's otherwise. */
  error?: (err: WireError) => WireResponse;
}

function bearer(ex: Exchange): string | undefined {
  const auth = ex.header('authorization');
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m?.[1]?.trim();
}

/** Reads the credential where each provider expects it. */
function keyOf(ex: Exchange, flavor: Flavor): Key {
  let value: string | undefined;
  if (flavor === 'openai') value = bearer(ex);
  else if (flavor === 'azure') value = ex.header('api-key') ?? bearer(ex);
  else if (flavor === 'anthropic') value = ex.header('x-api-key') ?? bearer(ex);
  else value = ex.header('x-goog-api-key') ?? ex.url.searchParams.get('key') ?? undefined;
  return value ? { state: 'present', value } : { state: 'missing' };
}

/** Why a key is refused, or null when it is accepted. Keys ending in `-invalid` stand for revoked or mistyped ones. */
function keyProblem(key: Key): WireError | null {
  if (key.state === 'missing') return { kind: 'missing_key' };
  if (key.value.endsWith('-invalid')) return { kind: 'invalid_key', maskedKey: maskKey(key.value) };
  return null;
}

function outputChars(reply: Reply, flavor: Flavor): number {
  if (reply.toolCalls.length === 0) return reply.text.length;
  const calls = reply.toolCalls.reduce((n, c) => n + c.name.length + JSON.stringify(c.args).length, 0);
  return flavor === 'anthropic' ? calls + reply.text.length : calls;
}

function json(body: unknown, headers: Record<string, string> = {}): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const GEMINI_PATH = /^\/gemini\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const GEMINI_MODEL = /^\/gemini\/(?:v1beta|v1)\/models\/([^/:]+)$/;
const AZURE_CHAT = /^\/azure\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const AZURE_DEPLOYMENT = /^\/azure\/openai\/deployments\/([^/]+)$/;
const OPENROUTER = '/openrouter/api/v1';
const OPENROUTER_PER_MILLION = '/openrouter-per-million/api/v1';

class FakeProviderServer {
  readonly stats = new Stats();
  readonly faults = new FaultBook();
  private seq = 0;
  private readonly wires = {
    openai: openaiWire('openai'),
    azure: openaiWire('azure'),
    anthropic: anthropicWire(),
    gemini: geminiWire(),
  } satisfies Record<Flavor, GenerationWire>;
  /** OpenRouter speaks the OpenAI format (its faults are `@openai` ones) with its own usage, listing and errors. */
  private readonly openrouter = openrouterWire();

  constructor(private readonly log?: (line: string) => void) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const ex = new Exchange(req, res);
    const method = req.method ?? 'GET';
    const route = `${method} ${ex.path}`;
    if (!ex.path.startsWith('/_')) {
      const generation = this.stats.arrived(route);
      res.on('close', () => this.stats.finished(route, !res.writableFinished && !ex.cutByServer, generation));
    }
    this.log?.(route);
    this.dispatch(ex, method).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) return ex.sendJson(413, { error: { message: 'Request body too large.' } });
      // A client that leaves mid-upload is not a fault of the fake; anything else is, and must be visible.
      if (!ex.open) return;
      process.stderr.write(`fake providers: ${route} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      if (!res.headersSent) ex.sendJson(500, { error: { message: 'The fake provider failed; see its stderr.' } });
      else res.destroy();
    });
  }

  private async dispatch(ex: Exchange, method: string): Promise<void> {
    const p = ex.path;
    if (p === '/_stats' && method === 'GET') return ex.sendJson(200, this.stats.snapshot());
    if (p === '/_reset' && method === 'POST') {
      this.reset();
      return ex.sendJson(200, { ok: true });
    }
    if (p === '/_requests' && method === 'GET') {
      const limit = Number(ex.url.searchParams.get('limit') ?? '50');
      return ex.sendJson(200, { requests: this.stats.recorded().slice(-Math.max(1, Math.min(50, limit || 50))) });
    }
    if (p === '/' && method === 'GET') return ex.sendJson(200, { name: 'switchboard fake providers', paths: ['/openai/v1', '/anthropic', '/gemini', '/azure', OPENROUTER, MODELS_DEV_PATH] });
    // models.dev's public catalog (no key), for the online price update.
    if (p === MODELS_DEV_PATH && method === 'GET') {
      await ex.readBody();
      const answer = modelsDevAnswer(ex.url.searchParams.get('fault'));
      return ex.send({ status: answer.status, headers: { 'content-type': 'application/json' }, body: answer.body });
    }

    if (p === '/openai/v1/chat/completions' && method === 'POST') return this.generate(ex, { flavor: 'openai', pathModel: null, pathStream: null });
    if (p === `${OPENROUTER}/chat/completions` && method === 'POST') return this.generate(ex, { flavor: 'openai', pathModel: null, pathStream: null, dialect: 'openrouter' });
    if (p === '/anthropic/v1/messages' && method === 'POST') return this.generate(ex, { flavor: 'anthropic', pathModel: null, pathStream: null });
    const gem = GEMINI_PATH.exec(p);
    if (gem && method === 'POST') {
      const model = gem[2] ?? '';
      if (gem[3] === 'countTokens') return this.countTokens(ex, 'gemini', model);
      return this.generate(ex, { flavor: 'gemini', pathModel: model, pathStream: gem[3] === 'streamGenerateContent' });
    }
    if (p === '/anthropic/v1/messages/count_tokens' && method === 'POST') return this.countTokens(ex, 'anthropic', null);
    const azureChat = AZURE_CHAT.exec(p);
    if (azureChat && method === 'POST') {
      if (!ex.url.searchParams.get('api-version')) return this.azureNotFound(ex);
      return this.generate(ex, { flavor: 'azure', pathModel: azureChat[1] ?? null, pathStream: null });
    }
    if (p === '/azure/openai/v1/chat/completions' && method === 'POST') return this.generate(ex, { flavor: 'azure', pathModel: null, pathStream: null });

    if (method === 'GET') {
      const listing = this.listing(ex);
      if (listing) return this.answerListing(ex, listing);
    }
    return this.notFound(ex, method);
  }

  /** Model and deployment listings: what key tests and catalog refreshes call. */
  private listing(ex: Exchange): Listing | null {
    const p = ex.path;
    // OpenRouter's model list is public: it answers without a key (a key ending -invalid is still refused).
    if (p === `${OPENROUTER}/models`) return { flavor: 'openai', body: () => json(models.openrouterModelList()), public: true, error: (e) => this.openrouter.error(e) };
    // The same list with prices per million tokens where per-token ones belong: a change of units a client must catch.
    if (p === `${OPENROUTER_PER_MILLION}/models`) return { flavor: 'openai', body: () => json(models.openrouterModelList('per-million')), public: true, error: (e) => this.openrouter.error(e) };
    // Key info (GET /api/v1/key): the one cheap OpenRouter call that proves a key, since /models is public.
    if (p === `${OPENROUTER}/key`) return { flavor: 'openai', body: () => json(models.openrouterKeyInfo()), error: (e) => this.openrouter.error(e) };
    if (p === '/openai/v1/models') return { flavor: 'openai', body: () => json(models.openaiModelList()) };
    if (p.startsWith('/openai/v1/models/')) return { flavor: 'openai', body: () => json(models.openaiModel(p.slice('/openai/v1/models/'.length))) };
    if (p === '/anthropic/v1/models') return { flavor: 'anthropic', body: () => json(models.anthropicModelList()) };
    if (p.startsWith('/anthropic/v1/models/')) return { flavor: 'anthropic', body: () => json(models.anthropicModel(p.slice('/anthropic/v1/models/'.length))) };
    if (/^\/gemini\/(v1beta|v1)\/models$/.test(p)) return { flavor: 'gemini', body: () => json(models.geminiModelList(), { 'content-type': 'application/json; charset=UTF-8' }) };
    const gem = GEMINI_MODEL.exec(p);
    if (gem) return { flavor: 'gemini', body: () => json(models.geminiModel(gem[1] ?? ''), { 'content-type': 'application/json; charset=UTF-8' }) };
    if (p === '/azure/openai/v1/models') return { flavor: 'azure', body: () => json(models.openaiModelList()) };
    const versioned = (body: () => WireResponse) => () => (ex.url.searchParams.get('api-version') ? body() : null);
    if (p === '/azure/openai/models') return { flavor: 'azure', body: versioned(() => json(models.azureModelList())) };
    if (p === '/azure/openai/deployments') return { flavor: 'azure', body: versioned(() => json(models.azureDeploymentList())) };
    const dep = AZURE_DEPLOYMENT.exec(p);
    if (dep) {
      const id = dep[1] ?? '';
      if (!models.azureDeploymentExists(id)) return { flavor: 'azure', body: versioned(() => this.wires.azure.error({ kind: 'not_found' })) };
      return { flavor: 'azure', body: versioned(() => json(models.azureDeployment(id, models.AZURE_DEPLOYMENTS.find(([d]) => d === id)?.[1] ?? id))) };
    }
    return null;
  }

  private async answerListing(ex: Exchange, listing: Listing): Promise<void> {
    const { flavor, body } = listing;
    await ex.readBody();
    this.record(ex, flavor, Buffer.alloc(0));
    const key = keyOf(ex, flavor);
    const problem = listing.public && key.state === 'missing' ? null : keyProblem(key);
    const renderError = listing.error ?? ((e: WireError) => this.wires[flavor].error(e));
    if (problem) return ex.send(renderError(problem));
    const headerProblem = this.wires[flavor].checkHeaders?.((n) => ex.header(n)) ?? null;
    if (headerProblem) return ex.send(renderError(headerProblem));
    const answer = body();
    return answer ? ex.send(answer) : this.azureNotFound(ex);
  }

  private async generate(ex: Exchange, route: RouteInfo): Promise<void> {
    const { flavor } = route;
    const wire = route.dialect === 'openrouter' ? this.openrouter : this.wires[flavor];
    const raw = await ex.readBody();
    this.record(ex, flavor, raw);
    const key = keyOf(ex, flavor);
    const refuse = (err: WireError) => ex.send(wire.error({ ...err, model: err.model ?? route.pathModel ?? undefined }));

    const keyError = keyProblem(key);
    if (keyError) return refuse(keyError);
    const headerError = wire.checkHeaders?.((n) => ex.header(n)) ?? null;
    if (headerError) return refuse(headerError);
    // Azure answers an unknown deployment before it reads the body.
    if (flavor === 'azure' && route.pathModel !== null && !models.azureDeploymentExists(route.pathModel)) return refuse({ kind: 'not_found' });
    let body: unknown = null;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // Left null: each wire refuses a body that is not an object in its provider's words.
    }
    const turn = wire.parse(body, route);
    if ('invalid' in turn) return refuse({ kind: 'bad_request', message: turn.invalid });
    // Azure's v1 API names the deployment in the body's model.
    if (flavor === 'azure' && route.pathModel === null && !models.azureDeploymentExists(turn.model)) return refuse({ kind: 'not_found', model: turn.model });

    const directives = parseDirectives(turn.userText);
    const decision = this.faults.decide(flavor, turn.userText, directives.faults);
    const masked = key.state === 'present' ? maskKey(key.value) : undefined;
    if (decision.type === 'error') {
      if (directives.delayMs > 0) await sleep(directives.delayMs, ex.signal);
      return refuse({ ...decision.error, model: turn.model, maskedKey: masked, stream: turn.stream });
    }

    const seq = ++this.seq;
    const reply = buildReply(turn, directives, requestId(flavor === 'anthropic' ? 'toolu_' : 'call_', seq));
    const tokens = resolveTokens(directives.usage, turn.promptChars, outputChars(reply, flavor), turn.thinking ? THINKING_TEXT.length : 0);
    const answer = { turn, reply, tokens, seq, created: Math.floor(Date.now() / 1000) };
    if (turn.stream && flavor === 'gemini' && ex.url.searchParams.get('alt') !== 'sse') {
      // Without alt=sse Gemini streams one JSON array of the same chunks.
      if (directives.delayMs > 0) await sleep(directives.delayMs, ex.signal);
      const array = `[${wire.frames(answer).map((f) => f.data).join(',\r\n')}]`;
      return sendFaulty(ex, { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: array }, decision.bodyFault === 'sse-error' ? null : decision.bodyFault);
    }
    if (turn.stream) {
      return streamFrames(ex, wire.frames(answer), {
        headers: wire.streamHeaders(answer),
        separator: wire.separator,
        delayMs: directives.delayMs,
        fault: decision.bodyFault,
        errorFrame: wire.streamError(),
      });
    }
    if (directives.delayMs > 0) await sleep(directives.delayMs, ex.signal);
    // An in-stream error has no non-streamed form; the nearest is the same overload as a status.
    if (decision.bodyFault === 'sse-error') return refuse({ kind: 'overloaded', model: turn.model });
    return sendFaulty(ex, wire.json(answer), decision.bodyFault);
  }

  /** Anthropic's count_tokens and Gemini's countTokens, consistent with the usage generation reports. */
  private async countTokens(ex: Exchange, flavor: 'anthropic' | 'gemini', pathModel: string | null): Promise<void> {
    const wire = this.wires[flavor];
    const raw = await ex.readBody();
    this.record(ex, flavor, raw);
    const problem = keyProblem(keyOf(ex, flavor)) ?? wire.checkHeaders?.((n) => ex.header(n)) ?? null;
    if (problem) return ex.send(wire.error(problem));
    let body: unknown = null;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // Parsed as null below, which each wire refuses in its own words.
    }
    // Gemini accepts either bare contents or a whole generateContent request.
    if (flavor === 'gemini' && isRecord(body) && isRecord(body.generateContentRequest)) body = body.generateContentRequest;
    if (flavor === 'anthropic' && isRecord(body)) body = { max_tokens: 1, ...body };
    const turn = wire.parse(body, { flavor, pathModel, pathStream: false });
    if ('invalid' in turn) return ex.send(wire.error({ kind: 'bad_request', message: turn.invalid }));
    const forced = parseDirectives(turn.userText).usage?.in;
    const tokens = forced ?? estimateTokens(turn.promptChars);
    if (flavor === 'anthropic') return ex.send(json({ input_tokens: tokens }));
    return ex.send(json({ totalTokens: tokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }] }, { 'content-type': 'application/json; charset=UTF-8' }));
  }

  private azureNotFound(ex: Exchange): void {
    ex.sendJson(404, { error: { code: '404', message: 'Resource not found' } });
  }

  private notFound(ex: Exchange, method: string): void {
    const p = ex.path;
    if (p.startsWith('/openai/')) {
      return ex.sendJson(404, { error: { message: `Invalid URL (${method} ${p.slice('/openai'.length)})`, type: 'invalid_request_error', param: null, code: null } });
    }
    if (p.startsWith('/anthropic/')) return ex.sendJson(404, { type: 'error', error: { type: 'not_found_error', message: 'Not Found' } });
    if (p.startsWith('/gemini/')) return ex.sendJson(404, { error: { code: 404, message: `Method not found: ${method} ${p.slice('/gemini'.length)}`, status: 'NOT_FOUND' } });
    if (p.startsWith('/azure/')) return this.azureNotFound(ex);
    if (p.startsWith('/openrouter/')) return ex.sendJson(404, { error: { code: 404, message: 'Not Found' } });
    ex.sendJson(404, { error: { message: `No fake provider route for ${method} ${p}. Base URLs: /openai/v1, /anthropic, /gemini, /azure, ${OPENROUTER}.` } });
  }

  private record(ex: Exchange, flavor: Flavor, rawBody: Buffer): void {
    this.stats.record({
      method: ex.req.method ?? 'GET',
      path: ex.path,
      flavor,
      keyPresent: keyOf(ex, flavor).state === 'present',
      headers: ex.req.headers,
      query: ex.url.searchParams,
      rawBody,
    });
  }

  reset(): void {
    this.stats.reset();
    this.faults.reset();
  }
}

/** Starts the fake provider server on 127.0.0.1 (never another interface). */
export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const fake = new FakeProviderServer(options.log);
  const server: Server = createServer((req, res) => fake.handle(req, res));
  // Streams may idle for long stretches under [[delay]] or [[fault:stall]]; Node's defaults would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  // Real APIs keep idle connections far longer than fetch's 4 s client-side idle timeout. With a
  // shorter server timeout, the server can close a socket just as the client reuses it, and the
  // test sees a spurious connection error (which the router rightly retries) on a loaded machine.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    baseUrls: { openai: `${url}/openai/v1`, anthropic: `${url}/anthropic`, gemini: `${url}/gemini`, azure: `${url}/azure`, openrouter: `${url}${OPENROUTER}` },
    stats: () => fake.stats.snapshot(),
    requests: () => fake.stats.recorded(),
    reset: () => fake.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled and streaming responses would otherwise hold close() open forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
