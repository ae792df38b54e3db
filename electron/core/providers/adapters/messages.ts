import type { ChatMessage, ChatToolCall, ProviderId } from '../../../../shared/contract/index.js';

// Pure translations of the router's messages and parameters into each wire format's shape.

export type OpenAIMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

/**
 * Tool calls and results in the history of a request that offers no tools are written out as text:
 * Anthropic refuses tool_use/tool_result blocks without tool definitions, and a model without tools
 * would only be confused by calls it cannot make. The words keep what happened readable for it.
 */
export function flattenToolMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  if (!messages.some((m) => m.role === 'tool' || (m.toolCalls && m.toolCalls.length > 0))) return messages as ChatMessage[];
  return messages.map((m): ChatMessage => {
    if (m.role === 'tool') return { role: 'user', content: `[Result of tool ${m.name ?? 'call'}${m.isError ? ' (failed)' : ''}: ${m.content}]` };
    if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0) {
      const calls = m.toolCalls.map((c) => `[Called tool ${c.name} with ${c.arguments || '{}'}]`).join('\n');
      return { role: 'assistant', content: m.content.trim() === '' ? calls : `${m.content}\n${calls}` };
    }
    return m;
  });
}

/** The history a request sends: tool traffic kept as such only when the request offers tools. */
export function historyFor(messages: readonly ChatMessage[], offersTools: boolean): ChatMessage[] {
  return offersTools ? (messages as ChatMessage[]) : flattenToolMessages(messages);
}

export function toOpenAIMessages(messages: ChatMessage[]): OpenAIMessage[] {
  return messages.map((m): OpenAIMessage => {
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId ?? '', content: m.content };
    if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0) {
      return {
        role: 'assistant',
        // OpenAI wants null rather than an empty string beside tool calls.
        content: m.content === '' ? null : m.content,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments || '{}' } })),
      };
    }
    return { role: m.role, content: m.content };
  });
}

/**
 * OpenAI's reasoning models (o1/o3/o4 series, gpt-5) refuse `max_tokens` and want
 * `max_completion_tokens`; they also accept only the default temperature. Older OpenAI-compatible
 * servers know only `max_tokens`. The model id may carry a router prefix ("openai/o3-mini").
 */
export function isOpenAIReasoningModel(model: string): boolean {
  const id = model.toLowerCase().replace(/^.*\//, '');
  return /^(o\d+)(-|$)/.test(id) || /^gpt-5/.test(id);
}

export function openAIMaxTokensField(provider: ProviderId, model: string): 'max_tokens' | 'max_completion_tokens' {
  if (provider === 'openai' || provider === 'azure') return isOpenAIReasoningModel(model) ? 'max_completion_tokens' : 'max_tokens';
  // OpenRouter and the others normalise max_tokens for every model they serve.
  return 'max_tokens';
}

export type AnthropicBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  /** A string for plain text (merged turns join with a blank line), blocks once tools are involved. */
  content: string | AnthropicBlock[];
}

export interface AnthropicTranslation {
  system: string | undefined;
  messages: AnthropicMessage[];
}

// Anthropic refuses a conversation that starts with the assistant, and empty text blocks; Gemini refuses empty contents.
const OPENING_PLACEHOLDER = '(conversation continues)';

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; ids made by another provider may not. */
export function anthropicToolId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean === '' ? 'call' : clean;
}

/** A tool call's arguments as the object Anthropic (input) and Gemini (args) want; text that is not a JSON object is kept under `_raw`. */
export function argumentsObject(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { _raw: args };
  } catch {
    return { _raw: args };
  }
}

function anthropicBlocks(m: ChatMessage): AnthropicBlock[] {
  if (m.role === 'tool') {
    return [{ type: 'tool_result', tool_use_id: anthropicToolId(m.toolCallId ?? ''), content: m.content, ...(m.isError ? { is_error: true } : {}) }];
  }
  const blocks: AnthropicBlock[] = m.content.trim() === '' ? [] : [{ type: 'text', text: m.content }];
  for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: anthropicToolId(c.id), name: c.name, input: argumentsObject(c.arguments) });
  return blocks;
}

function asBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : content;
}

/**
 * Anthropic: system prompts go to the top-level `system`; roles must alternate and start with the
 * user, so consecutive same-role messages are merged and an assistant opening gets a user turn
 * before it. Tool results travel in a user turn as tool_result blocks, which come before any text
 * of that turn.
 */
export function toAnthropicMessages(messages: ChatMessage[]): AnthropicTranslation {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      if (m.content.trim() !== '') system.push(m.content);
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const structured = m.role === 'tool' || (m.toolCalls !== undefined && m.toolCalls.length > 0);
    if (!structured && m.content.trim() === '') continue;
    const last = out[out.length - 1];
    if (!structured) {
      if (last && last.role === role) {
        if (typeof last.content === 'string') last.content += `\n\n${m.content}`;
        else last.content.push({ type: 'text', text: m.content });
      } else out.push({ role, content: m.content });
      continue;
    }
    const blocks = anthropicBlocks(m);
    if (last && last.role === role) {
      const merged = asBlocks(last.content);
      // tool_result blocks must open the user turn that carries them.
      last.content = m.role === 'tool' ? [...merged.filter((b) => b.type === 'tool_result'), ...blocks, ...merged.filter((b) => b.type !== 'tool_result')] : [...merged, ...blocks];
    } else out.push({ role, content: blocks });
  }
  if (out.length === 0 || out[0]!.role !== 'user') out.unshift({ role: 'user', content: OPENING_PLACEHOLDER });
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: out };
}

export type GeminiPart =
  | { text: string }
  | { functionCall: { id?: string; name: string; args: Record<string, unknown> }; thoughtSignature?: string }
  | { functionResponse: { id?: string; name: string; response: Record<string, unknown> } };

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiTranslation {
  systemInstruction: string | undefined;
  contents: GeminiContent[];
}

function geminiParts(m: ChatMessage): GeminiPart[] {
  if (m.role === 'tool') {
    return [{ functionResponse: { ...(m.toolCallId ? { id: m.toolCallId } : {}), name: m.name ?? '', response: m.isError ? { error: m.content } : { output: m.content } } }];
  }
  const parts: GeminiPart[] = m.toolCalls && m.toolCalls.length > 0 && m.content === '' ? [] : [{ text: m.content }];
  for (const c of m.toolCalls ?? []) parts.push(geminiCallPart(c));
  return parts;
}

function geminiCallPart(c: ChatToolCall): GeminiPart {
  return { functionCall: { id: c.id, name: c.name, args: argumentsObject(c.arguments) }, ...(c.signature ? { thoughtSignature: c.signature } : {}) };
}

/** Gemini: system prompts go to `systemInstruction`, the assistant is called "model", function responses are user parts. */
export function toGeminiContents(messages: ChatMessage[]): GeminiTranslation {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      if (m.content.trim() !== '') system.push(m.content);
      continue;
    }
    const role = m.role === 'assistant' ? 'model' : 'user';
    const last = contents[contents.length - 1];
    const parts = geminiParts(m);
    if (parts.length === 0) continue;
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  if (contents.length === 0) contents.push({ role: 'user', parts: [{ text: OPENING_PLACEHOLDER }] });
  return { systemInstruction: system.length > 0 ? system.join('\n\n') : undefined, contents };
}
