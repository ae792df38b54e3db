import type { ChatMessage, ProviderId } from '../../../../shared/contract/index.js';

// Pure translations of the router's messages and parameters into each wire format's shape.

export interface OpenAIMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export function toOpenAIMessages(messages: ChatMessage[]): OpenAIMessage[] {
  return messages.map((m) => ({ role: m.role, content: m.content }));
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

export interface AnthropicTranslation {
  system: string | undefined;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}

// Anthropic refuses a conversation that starts with the assistant, and empty text blocks; Gemini refuses empty contents.
const OPENING_PLACEHOLDER = '(conversation continues)';

/**
 * Anthropic: system prompts go to the top-level `system`; roles must alternate and start with the
 * user, so consecutive same-role messages are merged and an assistant opening gets a user turn
 * before it.
 */
export function toAnthropicMessages(messages: ChatMessage[]): AnthropicTranslation {
  const system: string[] = [];
  const out: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (const m of messages) {
    if (m.role === 'system') {
      if (m.content.trim() !== '') system.push(m.content);
      continue;
    }
    if (m.content.trim() === '') continue;
    const last = out[out.length - 1];
    if (last && last.role === m.role) last.content += `\n\n${m.content}`;
    else out.push({ role: m.role, content: m.content });
  }
  if (out.length === 0 || out[0]!.role !== 'user') out.unshift({ role: 'user', content: OPENING_PLACEHOLDER });
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: out };
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: Array<{ text: string }>;
}

export interface GeminiTranslation {
  systemInstruction: string | undefined;
  contents: GeminiContent[];
}

/** Gemini: system prompts go to `systemInstruction`, the assistant is called "model". */
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
    if (last && last.role === role) last.parts.push({ text: m.content });
    else contents.push({ role, parts: [{ text: m.content }] });
  }
  if (contents.length === 0) contents.push({ role: 'user', parts: [{ text: OPENING_PLACEHOLDER }] });
  return { systemInstruction: system.length > 0 ? system.join('\n\n') : undefined, contents };
}
