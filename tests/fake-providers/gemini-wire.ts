import { splitDeltas, toolSpec } from './reply.js';
import { encodeFrame } from './sse.js';
import type { Frame, Reply, TokenCounts, ToolChoice, ToolSpec, WireError, WireResponse } from './types.js';
import { partial } from './usage.js';
import { isRecord, requestId, spaced, type GenerationWire, type Parsed, type RouteInfo } from './wire.js';

const JSON_TYPE = 'application/json; charset=UTF-8';

function invalid(message: string): Parsed {
  return { invalid: message };
}

function partText(part: unknown): string {
  if (!isRecord(part)) return '';
  if (typeof part.text === 'string') return part.text;
  if (isRecord(part.functionCall)) return `${String(part.functionCall.name ?? '')}${JSON.stringify(part.functionCall.args ?? {})}`;
  if (isRecord(part.functionResponse)) return JSON.stringify(part.functionResponse.response ?? {});
  return '';
}

function partsOf(content: unknown): unknown[] {
  return isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
}

function parseTools(raw: unknown): ToolSpec[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((tool) => {
    if (!isRecord(tool) || !Array.isArray(tool.functionDeclarations)) return [];
    return tool.functionDeclarations.flatMap((d) => (isRecord(d) ? (toolSpec(d.name, d.parametersJsonSchema ?? d.parameters) ?? []) : []));
  });
}

function parseToolChoice(raw: unknown): ToolChoice {
  const config = isRecord(raw) && isRecord(raw.functionCallingConfig) ? raw.functionCallingConfig : null;
  if (!config) return { mode: 'auto' };
  if (config.mode === 'NONE') return { mode: 'none' };
  if (config.mode === 'ANY') {
    const allowed = Array.isArray(config.allowedFunctionNames) ? config.allowedFunctionNames : [];
    return { mode: 'required', name: typeof allowed[0] === 'string' ? allowed[0] : null };
  }
  return { mode: 'auto' };
}

function parse(body: unknown, route: RouteInfo): Parsed {
  if (!isRecord(body)) return invalid('Invalid JSON payload received. Expected an object.');
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return invalid('* GenerateContentRequest.contents: contents is not specified\n');

  let promptChars = 0;
  let userText = '';
  let toolResult: string | null = null;
  let toolRounds = 0;
  let previousCalledTools = false;
  for (const content of contents) {
    const role = isRecord(content) && content.role !== undefined ? content.role : 'user';
    if (role !== 'user' && role !== 'model') return invalid('Please use a valid role: user, model.');
    const parts = partsOf(content);
    const responses = parts.filter((p) => isRecord(p) && isRecord(p.functionResponse));
    if (responses.length > 0 && !previousCalledTools) {
      return invalid('Please ensure that function response turn comes immediately after a function call turn.');
    }
    previousCalledTools = role === 'model' && parts.some((p) => isRecord(p) && isRecord(p.functionCall));
    promptChars += parts.map(partText).join('').length;
    if (role === 'user') {
      const words = parts.filter((p) => isRecord(p) && typeof p.text === 'string' && p.thought !== true).map(partText).join('\n');
      if (words !== '' || responses.length === 0) {
        userText = words;
        toolRounds = 0;
      }
      if (responses.length > 0) toolRounds++;
      toolResult = responses.length > 0 ? responses.map(partText).join('\n') : null;
    } else {
      toolResult = null;
    }
  }
  promptChars += partsOf(body.systemInstruction).map(partText).join('').length;
  if (typeof body.systemInstruction === 'string') promptChars += body.systemInstruction.length;
  const tools = parseTools(body.tools);
  if (tools.length > 0) promptChars += JSON.stringify(body.tools).length;
  const limit = isRecord(body.generationConfig) ? body.generationConfig.maxOutputTokens : undefined;
  return {
    flavor: route.flavor,
    model: route.pathModel ?? 'gemini',
    stream: route.pathStream === true,
    userText,
    promptChars,
    tools,
    toolChoice: parseToolChoice(body.toolConfig),
    toolResult,
    toolRounds,
    maxTokens: typeof limit === 'number' && limit > 0 ? limit : null,
    includeUsage: false,
    thinking: false,
  };
}

/**
 * Gemini counts cached tokens inside promptTokenCount and thinking tokens beside the candidates.
 * Like the real API it leaves zero-valued optional counters out, so readers must default them.
 */
export function geminiUsage(t: TokenCounts, candidates = t.output - t.reasoning): Record<string, unknown> {
  return {
    promptTokenCount: t.input,
    candidatesTokenCount: candidates,
    totalTokenCount: t.input + candidates + t.reasoning,
    ...(t.cached > 0 ? { cachedContentTokenCount: t.cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: t.input }],
    ...(t.cached > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: t.cached }] } : {}),
    ...(t.reasoning > 0 ? { thoughtsTokenCount: t.reasoning } : {}),
  };
}

const FINISH = { stop: 'STOP', length: 'MAX_TOKENS', tool: 'STOP' } as const;

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function googleError(code: number, message: string, details?: unknown[]): Record<string, unknown> {
  return { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } };
}

function blockedResponse(err: WireError): WireResponse {
  // Gemini refuses a prompt with a 200 that has no candidates, only the reason.
  const body = spaced({
    promptFeedback: { blockReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] },
    usageMetadata: { promptTokenCount: 8, totalTokenCount: 8, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }] },
    modelVersion: err.model ?? 'gemini',
  });
  if (err.stream) return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: encodeFrame({ data: body }, '\r\n\r\n') };
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body };
}

export function geminiError(err: WireError): WireResponse {
  const model = err.model ?? 'gemini';
  let status: number;
  let body: Record<string, unknown>;
  let headers: Record<string, string> = {};
  switch (err.kind) {
    case 'missing_key':
      status = 403;
      body = googleError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
      break;
    case 'invalid_key':
      // Not a 401: Google rejects a bad key as an invalid argument and names the reason in details.
      status = 400;
      body = googleError(400, 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
      ]);
      break;
    case 'bad_request':
      status = 400;
      body = googleError(400, err.message ?? 'Request contains an invalid argument.');
      break;
    case 'permission':
      status = 403;
      body = googleError(403, 'The caller does not have permission');
      break;
    case 'not_found':
      status = 404;
      body = googleError(404, `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
      break;
    case 'rate_limit':
      status = 429;
      headers = { 'retry-after': '1' };
      body = googleError(429, 'Resource has been exhausted (e.g. check quota).', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }]);
      break;
    case 'quota':
      status = 429;
      body = googleError(
        429,
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaDimensions: { location: 'global', model }, quotaValue: '250' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
        ],
      );
      break;
    case 'context':
      status = 400;
      body = googleError(400, 'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).');
      break;
    case 'policy':
      return blockedResponse(err);
    case 'server':
      status = 500;
      body = googleError(500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
      break;
    case 'unavailable':
    case 'overloaded':
      // Gemini has no 529: an overloaded model answers 503 UNAVAILABLE.
      status = 503;
      body = googleError(503, 'The model is overloaded. Please try again later.');
      break;
    case 'status':
      status = err.status ?? 500;
      body = googleError(status, `Fake provider error ${status}.`);
      break;
  }
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: spaced(body) };
}

/**
 * Gemini's function calls carry no id; thinking models sign the first call of a turn with a
 * thoughtSignature the client must send back with it.
 */
function functionCallParts(reply: Reply, seq: number): unknown[] {
  return reply.toolCalls.map((call, i) => ({
    functionCall: { name: call.name, args: call.args },
    ...(i === 0 ? { thoughtSignature: Buffer.from(`fake-thought-${seq}`).toString('base64') } : {}),
  }));
}

/** Gemini generateContent / streamGenerateContent?alt=sse: no event names, CRLF framing, no terminator. */
export function geminiWire(): GenerationWire {
  return {
    separator: '\r\n\r\n',
    parse,
    error: geminiError,

    json({ turn, reply, tokens, seq }) {
      const parts = reply.toolCalls.length > 0 ? functionCallParts(reply, seq) : [{ text: reply.text }];
      const body = {
        candidates: [{ content: { parts, role: 'model' }, finishReason: FINISH[reply.finish], index: 0 }],
        usageMetadata: geminiUsage(tokens),
        modelVersion: turn.model,
        responseId: requestId('resp', seq),
      };
      return { status: 200, headers: { 'content-type': JSON_TYPE }, body: spaced(body) };
    },

    frames({ turn, reply, tokens, seq }) {
      const responseId = requestId('resp', seq);
      const candidates = tokens.output - tokens.reasoning;
      const chunk = (parts: unknown[], usage: Record<string, unknown>, finishReason?: string) =>
        spaced({
          candidates: [{ content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 }],
          usageMetadata: usage,
          modelVersion: turn.model,
          responseId,
        });
      // Parallel calls arrive together in one chunk, as Gemini sends them.
      const pieces: unknown[][] = reply.toolCalls.length > 0 ? [functionCallParts(reply, seq)] : splitDeltas(reply.text).map((text) => [{ text }]);
      // Each chunk carries the running totals; only the last chunk's usage is final.
      const frames: Frame[] = pieces.map((parts, i) => ({ phase: 'content', data: chunk(parts, geminiUsage(tokens, partial(candidates, i + 1, pieces.length + 1))) }));
      frames.push({ phase: 'tail', data: chunk([{ text: '' }], geminiUsage(tokens), FINISH[reply.finish]) });
      return frames;
    },

    streamHeaders: () => ({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }),

    streamError: () => ({ data: spaced(googleError(503, 'The model is overloaded. Please try again later.')) }),
  };
}
