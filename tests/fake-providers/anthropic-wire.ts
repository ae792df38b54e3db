import { splitArgs, splitDeltas, toolSpec } from './reply.js';
import type { Frame, TokenCounts, ToolChoice, ToolSpec, WireError, WireResponse } from './types.js';
import { compact, isRecord, requestId, type Answer, type GenerationWire, type Parsed, type RouteInfo } from './wire.js';

/** The thinking block's text when extended thinking is on; its tokens count as reasoning. */
export const THINKING_TEXT = 'The user wants a short answer. I will keep it brief and deterministic.';

function invalid(message: string): Parsed {
  return { invalid: message };
}

function blockText(block: unknown): string {
  if (!isRecord(block)) return '';
  if (typeof block.text === 'string') return block.text;
  if (block.type === 'tool_result') {
    if (typeof block.content === 'string') return block.content;
    if (Array.isArray(block.content)) return block.content.map(blockText).join('\n');
  }
  if (block.type === 'tool_use') return `${String(block.name ?? '')}${JSON.stringify(block.input ?? {})}`;
  if (block.type === 'thinking' && typeof block.thinking === 'string') return block.thinking;
  return '';
}

function blocksOf(content: unknown): unknown[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
}

function parseTools(raw: unknown): ToolSpec[] {
  if (!Array.isArray(raw)) return [];
  // Server tools (web search, code execution) carry a versioned `type` and run on Anthropic's side.
  return raw.flatMap((t) => (isRecord(t) && (t.type === undefined || t.type === 'custom') ? (toolSpec(t.name, t.input_schema) ?? []) : []));
}

function parseToolChoice(raw: unknown): ToolChoice {
  if (!isRecord(raw)) return { mode: 'auto' };
  if (raw.type === 'none') return { mode: 'none' };
  if (raw.type === 'any') return { mode: 'required', name: null };
  if (raw.type === 'tool' && typeof raw.name === 'string') return { mode: 'required', name: raw.name };
  return { mode: 'auto' };
}

function parse(body: unknown, route: RouteInfo): Parsed {
  if (!isRecord(body)) return invalid('Invalid request body: expected a JSON object.');
  if (typeof body.model !== 'string' || body.model === '') return invalid('model: Field required');
  if (body.max_tokens === undefined) return invalid('max_tokens: Field required');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return invalid('max_tokens: Input should be a valid integer greater than or equal to 1');
  }
  if (!Array.isArray(body.messages)) return invalid('messages: Field required');
  if (body.messages.length === 0) return invalid('messages: at least one message is required');

  let promptChars = 0;
  let userText = '';
  let toolResult: string | null = null;
  let toolRounds = 0;
  let openToolUses: string[] = [];
  for (const [i, m] of body.messages.entries()) {
    if (!isRecord(m)) return invalid(`messages.${i}: Input should be a valid dictionary`);
    if (m.role === 'system') {
      return invalid('messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
    }
    if (m.role !== 'user' && m.role !== 'assistant') return invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    const blocks = blocksOf(m.content);
    const results = blocks.filter((b) => isRecord(b) && b.type === 'tool_result') as Record<string, unknown>[];
    const answered = new Set(results.map((b) => String(b.tool_use_id)));
    const missing = openToolUses.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return invalid(`messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    for (const [j, r] of results.entries()) {
      if (!openToolUses.includes(String(r.tool_use_id))) {
        return invalid(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(r.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
    }
    openToolUses = m.role === 'assistant' ? blocks.flatMap((b) => (isRecord(b) && b.type === 'tool_use' && typeof b.id === 'string' ? [b.id] : [])) : [];
    promptChars += blocks.map(blockText).join('').length;
    if (m.role === 'user') {
      const words = blocks.filter((b) => isRecord(b) && b.type === 'text').map(blockText).join('\n');
      if (words !== '' || results.length === 0) {
        userText = words;
        toolRounds = 0;
      }
      if (results.length > 0) toolRounds++;
      toolResult = results.length > 0 ? results.map(blockText).join('\n') : null;
    } else {
      toolResult = null;
    }
  }
  if (openToolUses.length > 0) {
    // A trailing assistant turn with tool_use is a prefill the API refuses, like any unanswered tool_use.
    return invalid(`messages: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${openToolUses.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
  }

  if (typeof body.system === 'string') promptChars += body.system.length;
  else if (Array.isArray(body.system)) promptChars += body.system.map(blockText).join('').length;
  const tools = parseTools(body.tools);
  if (tools.length > 0) promptChars += JSON.stringify(body.tools).length;
  const thinking = isRecord(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
  return {
    flavor: route.flavor,
    model: body.model,
    stream: body.stream === true,
    userText,
    promptChars,
    tools,
    toolChoice: parseToolChoice(body.tool_choice),
    toolResult,
    toolRounds,
    maxTokens: body.max_tokens,
    includeUsage: false,
    thinking,
  };
}

/** Anthropic reports cache reads and writes beside input_tokens, not inside it. */
export function anthropicUsage(t: TokenCounts, outputTokens = t.output): Record<string, unknown> {
  return {
    input_tokens: t.input - t.cached - t.write,
    cache_creation_input_tokens: t.write,
    cache_read_input_tokens: t.cached,
    cache_creation: { ephemeral_5m_input_tokens: t.write - t.write1h, ephemeral_1h_input_tokens: t.write1h },
    output_tokens: outputTokens,
    service_tier: 'standard',
    ...(t.reasoning > 0 ? { output_tokens_details: { thinking_tokens: t.reasoning } } : {}),
  };
}

const STOP = { stop: 'end_turn', length: 'max_tokens', tool: 'tool_use' } as const;

interface ErrorShape {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

const STATUS_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function errorShape(err: WireError): ErrorShape {
  switch (err.kind) {
    case 'missing_key':
      return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
    case 'invalid_key':
      return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
    case 'bad_request':
      return { status: 400, type: 'invalid_request_error', message: err.message ?? 'Invalid request' };
    case 'permission':
      return { status: 403, type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' };
    case 'not_found':
      return { status: 404, type: 'not_found_error', message: `model: ${err.model ?? 'unknown'}` };
    case 'rate_limit':
      return {
        status: 429,
        type: 'rate_limit_error',
        message:
          'This request would exceed the rate limit for your organization (fake-org) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
        headers: { 'retry-after': '1', 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0' },
      };
    case 'quota':
      // What a key without credit really gets: a 400, not the 402 billing_error the docs list.
      return { status: 400, type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.' };
    case 'context':
      return { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 215000 tokens > 200000 maximum' };
    case 'policy':
      return { status: 400, type: 'invalid_request_error', message: 'Output blocked by content filtering policy' };
    case 'server':
      return { status: 500, type: 'api_error', message: 'Internal server error' };
    case 'unavailable':
      return { status: 503, type: 'api_error', message: 'Service unavailable' };
    case 'overloaded':
      return { status: 529, type: 'overloaded_error', message: 'Overloaded' };
    case 'status': {
      const status = err.status ?? 500;
      return { status, type: STATUS_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message: `Fake provider error ${status}.` };
    }
  }
}

export function anthropicError(err: WireError, seq: number): WireResponse {
  const shape = errorShape(err);
  const id = requestId('req_', seq);
  return {
    status: shape.status,
    headers: { 'content-type': 'application/json', 'request-id': id, ...(shape.headers ?? {}) },
    body: compact({ type: 'error', error: { type: shape.type, message: shape.message }, request_id: id }),
  };
}

function signatureFor(seq: number): string {
  return Buffer.from(`fake-signature-${seq}`).toString('base64');
}

function contentBlocks({ turn, reply, seq }: Answer): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (turn.thinking) blocks.push({ type: 'thinking', thinking: THINKING_TEXT, signature: signatureFor(seq) });
  if (reply.text !== '') blocks.push({ type: 'text', text: reply.text });
  for (const call of reply.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.args });
  return blocks;
}

/** Anthropic messages: named SSE events, a ping after the first block opens, cumulative usage in message_delta. */
export function anthropicWire(): GenerationWire {
  let errorSeq = 0;
  return {
    separator: '\n\n',
    parse,
    error: (err) => anthropicError(err, ++errorSeq),
    checkHeaders: (header) => (header('anthropic-version') ? null : { kind: 'bad_request', message: 'anthropic-version: header is required' }),

    json(answer) {
      const { turn, reply, tokens, seq } = answer;
      const body = {
        id: requestId('msg_', seq),
        type: 'message',
        role: 'assistant',
        model: turn.model,
        content: contentBlocks(answer),
        stop_reason: STOP[reply.finish],
        stop_sequence: null,
        usage: anthropicUsage(tokens),
      };
      return { status: 200, headers: { 'content-type': 'application/json', 'request-id': requestId('req_', seq) }, body: compact(body) };
    },

    frames(answer) {
      const { turn, reply, tokens, seq } = answer;
      const frames: Frame[] = [];
      const push = (phase: Frame['phase'], data: Record<string, unknown>) => frames.push({ phase, event: String(data.type), data: compact(data) });
      push('head', {
        type: 'message_start',
        message: {
          id: requestId('msg_', seq),
          type: 'message',
          role: 'assistant',
          model: turn.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: anthropicUsage(tokens, Math.min(1, tokens.output)),
        },
      });
      contentBlocks(answer).forEach((block, index) => {
        const startPhase = index === 0 ? 'head' : 'content';
        if (block.type === 'thinking') {
          push(startPhase, { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
          if (index === 0) push('head', { type: 'ping' });
          for (const part of splitDeltas(THINKING_TEXT)) push('content', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: part } });
          push('content', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: signatureFor(seq) } });
        } else if (block.type === 'text') {
          push(startPhase, { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
          if (index === 0) push('head', { type: 'ping' });
          for (const part of splitDeltas(reply.text)) push('content', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } });
        } else {
          push(startPhase, { type: 'content_block_start', index, content_block: { ...block, input: {} } });
          if (index === 0) push('head', { type: 'ping' });
          const parts = ['', ...splitArgs(JSON.stringify(block.input ?? {}))];
          for (const part of parts) push('content', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
        }
        push('content', { type: 'content_block_stop', index });
      });
      const final = anthropicUsage(tokens);
      push('tail', {
        type: 'message_delta',
        delta: { stop_reason: STOP[reply.finish], stop_sequence: null },
        // Cumulative totals for the whole message, as the API sends them: never to be added to message_start's.
        usage: {
          input_tokens: final.input_tokens,
          cache_creation_input_tokens: final.cache_creation_input_tokens,
          cache_read_input_tokens: final.cache_read_input_tokens,
          output_tokens: tokens.output,
          ...(tokens.reasoning > 0 ? { output_tokens_details: { thinking_tokens: tokens.reasoning } } : {}),
        },
      });
      push('tail', { type: 'message_stop' });
      return frames;
    },

    streamHeaders: ({ seq }) => ({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId('req_', seq) }),

    streamError: () => ({ event: 'error', data: compact({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) }),
  };
}
