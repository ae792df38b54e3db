import { splitArgs, splitDeltas, toolSpec } from './reply.js';
import type { Frame, TokenCounts, ToolChoice, ToolSpec, WireError, WireResponse } from './types.js';
import { compact, isRecord, requestId, type GenerationWire, type Parsed, type RouteInfo } from './wire.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const FINGERPRINT = 'fp_fake0001';

const SAFE_FILTER = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function invalid(message: string): Parsed {
  return { invalid: message };
}

function parseTools(raw: unknown): ToolSpec[] | string {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return "Invalid type for 'tools': expected an array.";
  const tools: ToolSpec[] = [];
  for (const [i, t] of raw.entries()) {
    if (!isRecord(t) || t.type !== 'function') continue;
    const fn = isRecord(t.function) ? t.function : {};
    const spec = toolSpec(fn.name, fn.parameters);
    if (!spec) return `Missing required parameter: 'tools[${i}].function.name'.`;
    tools.push(spec);
  }
  return tools;
}

function parseToolChoice(raw: unknown): ToolChoice {
  if (raw === 'none') return { mode: 'none' };
  if (raw === 'required') return { mode: 'required', name: null };
  if (isRecord(raw) && isRecord(raw.function) && typeof raw.function.name === 'string') return { mode: 'required', name: raw.function.name };
  return { mode: 'auto' };
}

function parse(flavor: 'openai' | 'azure', body: unknown, route: RouteInfo): Parsed {
  if (!isRecord(body)) return invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
  const model = typeof body.model === 'string' && body.model !== '' ? body.model : route.pathModel;
  if (!model) return invalid('you must provide a model parameter');
  const messages = body.messages;
  if (!Array.isArray(messages)) return invalid("Missing required parameter: 'messages'.");
  if (messages.length === 0) return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");

  let promptChars = 0;
  let userText = '';
  let trailingResults: string[] = [];
  let toolRounds = 0;
  let pending = new Set<string>();
  const unanswered = () =>
    invalid(`An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`);
  for (const [i, m] of messages.entries()) {
    if (!isRecord(m)) return invalid(`Invalid type for 'messages[${i}]': expected an object, but got ${typeof m} instead.`);
    const role = m.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      return invalid(`Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`);
    }
    if (pending.size > 0 && role !== 'tool') return unanswered();
    const text = textOf(m.content);
    promptChars += text.length;
    if (role === 'tool') {
      const id = typeof m.tool_call_id === 'string' ? m.tool_call_id : '';
      if (!pending.has(id)) return invalid("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
      pending.delete(id);
      if (pending.size === 0) toolRounds++;
      trailingResults.push(text);
      continue;
    }
    trailingResults = [];
    if (role === 'user') {
      userText = text;
      toolRounds = 0;
    }
    if (role === 'assistant' && Array.isArray(m.tool_calls)) {
      pending = new Set();
      for (const call of m.tool_calls) {
        if (!isRecord(call)) continue;
        if (typeof call.id === 'string') pending.add(call.id);
        const fn = isRecord(call.function) ? call.function : {};
        promptChars += String(fn.name ?? '').length + String(fn.arguments ?? '').length;
      }
    }
  }
  if (pending.size > 0) return unanswered();

  const stream = body.stream === true;
  if (body.stream_options !== undefined && body.stream_options !== null && !stream) {
    return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  }
  const tools = parseTools(body.tools);
  if (typeof tools === 'string') return invalid(tools);
  if (body.tool_choice !== undefined && body.tool_choice !== null && tools.length === 0) {
    return invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
  }
  if (tools.length > 0) promptChars += JSON.stringify(body.tools).length;
  const limit = body.max_completion_tokens ?? body.max_tokens;
  return {
    flavor,
    model,
    stream,
    userText,
    promptChars,
    tools,
    toolChoice: parseToolChoice(body.tool_choice),
    toolResult: trailingResults.length > 0 ? trailingResults.join('\n') : null,
    toolRounds,
    maxTokens: typeof limit === 'number' && limit > 0 ? limit : null,
    includeUsage: stream && isRecord(body.stream_options) && body.stream_options.include_usage === true,
    thinking: false,
  };
}

/** OpenAI counts cached tokens inside prompt_tokens and reasoning tokens inside completion_tokens. */
export function openaiUsage(t: TokenCounts): Record<string, unknown> {
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.input + t.output,
    prompt_tokens_details: { cached_tokens: t.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: t.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

const FINISH = { stop: 'stop', length: 'length', tool: 'tool_calls' } as const;

function headers(flavor: 'openai' | 'azure', seq: number, contentType: string): Record<string, string> {
  const common = { 'content-type': contentType, 'x-request-id': requestId('req_', seq) };
  if (flavor === 'azure') {
    return { ...common, 'apim-request-id': requestId('apim-', seq), 'x-ms-region': 'Sweden Central', 'x-ratelimit-remaining-requests': '999', 'x-ratelimit-remaining-tokens': '999000' };
  }
  return {
    ...common,
    'openai-processing-ms': '7',
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999000',
    'x-ratelimit-reset-tokens': '2ms',
  };
}

interface ErrorShape {
  status: number;
  message: string;
  type: string | null;
  code: string | null;
  param?: string | null;
  headers?: Record<string, string>;
}

function openaiErrorShape(err: WireError): ErrorShape {
  const model = err.model ?? 'gpt-4o-mini';
  switch (err.kind) {
    case 'missing_key':
      return {
        status: 401,
        type: 'invalid_request_error',
        code: null,
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      };
    case 'invalid_key':
      return {
        status: 401,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: `Incorrect API key provided: ${err.maskedKey ?? 'sk-***'}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      };
    case 'bad_request':
      return { status: 400, type: 'invalid_request_error', code: null, message: err.message ?? 'Invalid request.' };
    case 'permission':
      return { status: 403, type: 'request_forbidden', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' };
    case 'not_found':
      return { status: 404, type: 'invalid_request_error', code: 'model_not_found', message: `The model \`${model}\` does not exist or you do not have access to it.` };
    case 'rate_limit':
      return {
        status: 429,
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        headers: { 'retry-after': '1', 'retry-after-ms': '1000', 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s' },
      };
    case 'quota':
      return {
        status: 429,
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      };
    case 'context':
      return {
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
      };
    case 'policy':
      return { status: 400, type: 'invalid_request_error', code: 'content_policy_violation', message: 'Your request was rejected as a result of our safety system.' };
    case 'server':
      return { status: 500, type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' };
    case 'unavailable':
    case 'overloaded':
      // OpenAI has no 529: an overloaded engine answers 503.
      return { status: 503, type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later' };
    case 'status': {
      const status = err.status ?? 500;
      return { status, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null, message: `Fake provider error ${status}.` };
    }
  }
}

/** Azure's gateway answers auth, rate-limit, deployment and filter errors in its own shape; the rest pass through. */
function azureErrorBody(err: WireError): { status: number; body: unknown; headers: Record<string, string> } | null {
  switch (err.kind) {
    case 'missing_key':
    case 'invalid_key':
      return {
        status: 401,
        headers: {},
        body: {
          error: {
            code: '401',
            message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          },
        },
      };
    case 'rate_limit':
      return {
        status: 429,
        headers: { 'retry-after': '1', 'retry-after-ms': '1000', 'x-ms-retry-after-ms': '1000' },
        body: {
          error: {
            code: '429',
            message: 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.',
          },
        },
      };
    case 'not_found':
      return {
        status: 404,
        headers: {},
        body: { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } },
      };
    case 'policy':
      return {
        status: 400,
        headers: {},
        body: {
          error: {
            message:
              "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
            type: null,
            param: 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { ...SAFE_FILTER, violence: { filtered: true, severity: 'medium' } } },
          },
        },
      };
    default:
      return null;
  }
}

export function openaiError(flavor: 'openai' | 'azure', err: WireError, seq: number): WireResponse {
  const shape = openaiErrorShape(err);
  const azure = flavor === 'azure' ? azureErrorBody(err) : null;
  const base = headers(flavor, seq, 'application/json');
  if (azure) return { status: azure.status, headers: { ...base, ...azure.headers }, body: compact(azure.body) };
  return {
    status: shape.status,
    headers: { ...base, ...(shape.headers ?? {}) },
    body: compact({ error: { message: shape.message, type: shape.type, param: shape.param ?? null, code: shape.code } }),
  };
}

/** OpenAI chat completions, and Azure OpenAI's dialect of it (`flavor: 'azure'`). */
export function openaiWire(flavor: 'openai' | 'azure'): GenerationWire {
  const azure = flavor === 'azure';
  let errorSeq = 0;
  return {
    separator: '\n\n',
    parse: (body, route) => parse(flavor, body, route),
    error: (err) => openaiError(flavor, err, ++errorSeq),

    json({ turn, reply, tokens, seq, created }) {
      const calls = reply.toolCalls;
      const message =
        calls.length > 0
          ? { role: 'assistant', content: null, tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } })), refusal: null, annotations: [] }
          : { role: 'assistant', content: reply.text, refusal: null, annotations: [] };
      const choice = { index: 0, message, logprobs: null, finish_reason: FINISH[reply.finish], ...(azure ? { content_filter_results: SAFE_FILTER } : {}) };
      const body = {
        id: requestId('chatcmpl-', seq),
        object: 'chat.completion',
        created,
        model: turn.model,
        choices: [choice],
        usage: openaiUsage(tokens),
        ...(azure ? { prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_FILTER }] } : { service_tier: 'default' }),
        system_fingerprint: FINGERPRINT,
      };
      return { status: 200, headers: headers(flavor, seq, 'application/json'), body: compact(body) };
    },

    frames({ turn, reply, tokens, seq, created }) {
      const base = { id: requestId('chatcmpl-', seq), object: 'chat.completion.chunk', created, model: turn.model, ...(azure ? {} : { service_tier: 'default' }), system_fingerprint: FINGERPRINT };
      const usageNull = turn.includeUsage ? { usage: null } : {};
      let n = 0;
      // Real chunks carry random padding against length side channels; clients must ignore unknown fields.
      const pad = () => (azure ? {} : { obfuscation: 'abcdefghij'.slice(0, 1 + (n++ % 10)) });
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        compact({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...(azure ? { content_filter_results: finish ? {} : SAFE_FILTER } : {}) }], ...usageNull, ...pad() });
      const frames: Frame[] = [];
      // Azure opens every stream with a chunk that has no choices, only the prompt's filter results.
      if (azure) frames.push({ phase: 'head', data: compact({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_FILTER }] }) });
      if (reply.toolCalls.length > 0) {
        // Parallel calls stream one after another, each opened by a delta with its index, id and name.
        reply.toolCalls.forEach((call, index) => {
          const open = { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] };
          frames.push({ phase: index === 0 ? 'head' : 'content', data: chunk(index === 0 ? { role: 'assistant', content: null, ...open, refusal: null } : open) });
          for (const part of splitArgs(JSON.stringify(call.args))) frames.push({ phase: 'content', data: chunk({ tool_calls: [{ index, function: { arguments: part } }] }) });
        });
      } else {
        frames.push({ phase: 'head', data: chunk({ role: 'assistant', content: '', refusal: null }) });
        for (const part of splitDeltas(reply.text)) frames.push({ phase: 'content', data: chunk({ content: part }) });
      }
      frames.push({ phase: 'tail', data: chunk({}, FINISH[reply.finish]) });
      if (turn.includeUsage) frames.push({ phase: 'tail', data: compact({ ...base, choices: [], usage: openaiUsage(tokens), ...pad() }) });
      frames.push({ phase: 'tail', data: '[DONE]' });
      return frames;
    },

    streamHeaders: ({ seq }) => ({ ...headers(flavor, seq, 'text/event-stream; charset=utf-8'), 'cache-control': 'no-cache', connection: 'keep-alive' }),

    streamError: () => ({
      data: compact({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }),
    }),
  };
}
