import { createRequire } from 'node:module';
import type { ChatMessage, ProviderId } from '../../../shared/contract/index.js';

/** What estimatePromptTokens answers: the count and the name of what counted it. */
export interface PromptEstimate {
  tokens: number;
  tokenizer: string;
}

type Encoding = 'o200k_base' | 'cl100k_base';
interface Encoder {
  encode(text: string): number[];
}

// OpenAI's chat format wraps each message in a few tokens and primes the reply with three more
// (openai-cookbook "How to count tokens"); other chat formats are close enough for a reservation.
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
// Encoding a very long prompt exactly costs seconds of CPU (BPE is superlinear on long runs without
// spaces); beyond this many characters a prefix is encoded and the rest extrapolated.
const EXACT_CHAR_LIMIT = 60_000;

/**
 * Characters per token of English text for families whose tokenizer is not available in JS: the
 * ratios providers document (Gemini and OpenAI: about 4), and for the others a little below that,
 * so a reservation rather over- than under-estimates. Text outside ASCII (CJK, emoji) is counted
 * one token per character, which over-counts mildly for modern vocabularies. The name of the
 * approximation is reported with every estimate.
 */
const APPROX: Array<{ match: RegExp; name: string; charsPerToken: number }> = [
  { match: /claude/i, name: 'approx-claude', charsPerToken: 3.5 },
  { match: /gemini|gemma/i, name: 'approx-gemini', charsPerToken: 4 },
  { match: /deepseek/i, name: 'approx-deepseek', charsPerToken: 3.6 },
  { match: /llama|mistral|mixtral|codestral|ministral|magistral|pixtral|devstral/i, name: 'approx-llama-mistral', charsPerToken: 3.5 },
  { match: /grok/i, name: 'approx-grok', charsPerToken: 3.8 },
  { match: /qwen|kimi|glm|minimax/i, name: 'approx-qwen', charsPerToken: 3.5 },
];
const DEFAULT_APPROX = { name: 'approx-generic', charsPerToken: 3.3 };

/** Which real tokenizer, if any, a model uses. OpenRouter-style "vendor/model" ids are read by their model part. */
export function encodingFor(provider: ProviderId, model: string): Encoding | null {
  const m = model.toLowerCase();
  const base = m.includes('/') ? m.slice(m.lastIndexOf('/') + 1) : m;
  const vendor = m.includes('/') ? m.slice(0, m.indexOf('/')) : null;
  if (vendor !== null && vendor !== 'openai') return null;
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4|chatgpt-4o|codex)/.test(base)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(base)) return 'cl100k_base';
  // Azure deployments and OpenAI-compatible names are the user's: only a recognised name gets a real tokenizer.
  if (provider === 'openai') return 'o200k_base';
  return null;
}

const loaded = new Map<Encoding, Encoder>();

function loadModule(id: string): unknown {
  // Synchronous on purpose: estimatePromptTokens is part of the synchronous admission step. The
  // ranks (several MB) load on first use only and stay cached.
  const req = typeof require === 'function' ? require : createRequire(import.meta.url);
  return req(id);
}

function encoder(enc: Encoding): Encoder {
  let e = loaded.get(enc);
  if (!e) {
    const { Tiktoken } = loadModule('js-tiktoken/lite') as { Tiktoken: new (ranks: unknown) => Encoder };
    const ranksModule = loadModule(`js-tiktoken/ranks/${enc}`) as { default?: unknown };
    e = new Tiktoken(ranksModule.default ?? ranksModule);
    loaded.set(enc, e);
  }
  return e;
}

function countExact(e: Encoder, text: string): { tokens: number; sampled: boolean } {
  if (text.length <= EXACT_CHAR_LIMIT) return { tokens: e.encode(text).length, sampled: false };
  const head = text.slice(0, EXACT_CHAR_LIMIT);
  const headTokens = e.encode(head).length;
  return { tokens: Math.ceil((headTokens * text.length) / head.length), sampled: true };
}

function countApprox(text: string, charsPerToken: number): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / charsPerToken + other);
}

/** Prompt tokens of a chat request, with a real tokenizer for OpenAI model families and a calibrated approximation otherwise. */
export function estimatePromptTokens(messages: readonly ChatMessage[], provider: ProviderId, model: string): PromptEstimate {
  const enc = encodingFor(provider, model);
  const overhead = messages.length * TOKENS_PER_MESSAGE + REPLY_PRIMING;
  if (enc) {
    const e = encoder(enc);
    let tokens = overhead;
    let sampled = false;
    for (const m of messages) {
      const r = countExact(e, m.content);
      tokens += r.tokens + 1; // the role name
      sampled ||= r.sampled;
    }
    return { tokens, tokenizer: sampled ? `${enc} (long text sampled)` : enc };
  }
  const family = APPROX.find((a) => a.match.test(model)) ?? DEFAULT_APPROX;
  let tokens = overhead;
  for (const m of messages) tokens += countApprox(m.content, family.charsPerToken) + 1;
  return { tokens, tokenizer: `${family.name} (${family.charsPerToken} chars/token)` };
}

/**
 * Loads the OpenAI tokenizer ahead of the first turn. Building its rank table blocks the event
 * loop for a few hundred milliseconds; paying that shortly after start keeps the first chat fast.
 */
export function prewarmTokenizers(): void {
  encoder('o200k_base');
}
