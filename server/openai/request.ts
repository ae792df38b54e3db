import { z } from 'zod';
import type { ChatMessage, ChatParams } from '../../shared/contract/index.js';
import { ApiError } from '../http/errors.js';
import { parseWith } from '../http/body.js';

const TextPart = z.object({ type: z.string().max(50), text: z.string().max(2_000_000).optional() }).loose();

const Message = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: z.union([z.string().max(2_000_000), z.array(TextPart).max(1000), z.null()]).optional(),
    name: z.string().max(200).optional(),
  })
  .loose();

/**
 * OpenAI's chat completions request as far as this server serves it: text conversations, streamed or
 * not, with max tokens and temperature. Fields other clients send and that change nothing here (user,
 * seed, top_p, ...) are accepted and ignored; fields that would change the answer in a way the
 * server cannot honour (tools, several choices, structured output) are refused by name.
 */
export const ChatCompletionRequest = z
  .object({
    model: z.string().min(1).max(300),
    messages: z.array(Message).min(1).max(10_000),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
    max_tokens: z.number().int().positive().max(10_000_000).nullable().optional(),
    max_completion_tokens: z.number().int().positive().max(10_000_000).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    n: z.number().int().min(1).nullable().optional(),
    tools: z.array(z.unknown()).nullable().optional(),
    functions: z.array(z.unknown()).nullable().optional(),
    response_format: z.object({ type: z.string().max(50) }).loose().nullable().optional(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export interface ParsedChat {
  model: string;
  messages: ChatMessage[];
  params: ChatParams;
  stream: boolean;
  includeUsage: boolean;
}

/** Validates a request body and turns it into the router's terms; 400 naming the field otherwise. */
export function parseChatRequest(body: unknown): ParsedChat {
  const req = parseWith(ChatCompletionRequest, body);
  const refuse = (param: string, message: string): never => {
    throw new ApiError(400, 'VALIDATION', `${param}: ${message}`, { param, details: { field: param } });
  };
  if ((req.n ?? 1) !== 1) refuse('n', 'this server answers with one choice; leave n out or set it to 1.');
  if (req.tools && req.tools.length > 0) refuse('tools', 'tool calling is not offered by this team server yet.');
  if (req.functions && req.functions.length > 0) refuse('functions', 'function calling is not offered by this team server yet.');
  if (req.response_format && req.response_format.type !== 'text') refuse('response_format.type', `"${req.response_format.type}" is not offered by this team server; only "text".`);
  const messages: ChatMessage[] = req.messages.map((m, i) => {
    if (m.role === 'tool' || m.role === 'function') refuse(`messages[${i}].role`, 'tool results are not offered by this team server yet.');
    const role = m.role === 'developer' ? 'system' : (m.role as ChatMessage['role']);
    return { role, content: textOf(m.content, i, refuse) };
  });
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const params: ChatParams = {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(req.temperature !== null && req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
  return { model: req.model, messages, params, stream: req.stream === true, includeUsage: req.stream_options?.include_usage === true };
}

function textOf(content: z.infer<typeof Message>['content'], i: number, refuse: (param: string, message: string) => never): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  let text = '';
  content.forEach((part, j) => {
    if (part.type !== 'text' || typeof part.text !== 'string') refuse(`messages[${i}].content[${j}].type`, `only text parts are offered by this team server, not "${part.type}".`);
    text += part.text;
  });
  return text;
}

/** The router's field names as an OpenAI client knows them. */
export function openAiField(field: string): string {
  if (field === 'params.maxTokens') return 'max_tokens';
  if (field === 'params.temperature') return 'temperature';
  return field;
}
