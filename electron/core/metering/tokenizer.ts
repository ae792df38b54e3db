import { createRequire } from 'node:module';
import type { ChatMessage, ProviderId } from '../../../shared/contract/index.js';

/** What estimatePromptTokens answers: the count, the name of what counted it, and a bound. */
export interface PromptEstimate {
  tokens: number;
  tokenizer: string;
  /**
   * A count the provider's cannot exceed: the tokenizer's own count where it is the provider's
   * (OpenAI's o200k/cl100k, counted whole, with the template overhead), else one token per UTF-8
   * byte plus BOUND_TOKENS_PER_MESSAGE per message (see promptBound). Limits reserve this.
   */
  upperBound: number;
}

/**
 * Chat-template tokens a bound allows per message (role markers and turn separators: OpenAI's are
 * 4, Claude's and Gemini's a few more) and once per request (reply priming, a system wrapper).
 */
export const BOUND_TOKENS_PER_MESSAGE = 8;
export const BOUND_BASE_TOKENS = 16;

/**
 * An upper bound of a text prompt's tokens under any byte-level BPE or SentencePiece tokenizer
 * with byte fallback: each token covers at least one UTF-8 byte, so a text has at most as many
 * tokens as bytes. Images and tool schemas are not messages: callers add them apart.
 */
export function promptBound(messages: readonly ChatMessage[]): number {
  let bytes = BOUND_BASE_TOKENS;
  for (const m of messages) bytes += Buffer.byteLength(m.content, 'utf8') + BOUND_TOKENS_PER_MESSAGE;
  return bytes;
}

export type Encoding = 'o200k_base' | 'cl100k_base';
interface Encoder {
  encode(text: string, allowedSpecial?: string[] | 'all', disallowedSpecial?: string[] | 'all'): number[];
}

// OpenAI's chat format wraps each message in a few tokens and primes the reply with three more
// (openai-cookbook "How to count tokens"); other chat formats are close enough for a reservation.
export const TOKENS_PER_MESSAGE = 4;
export const REPLY_PRIMING = 3;
/** The role name of each message. */
export const TOKENS_PER_ROLE = 1;
// Encoding a very long prompt exactly costs seconds of CPU (BPE is superlinear on long runs without
// spaces); beyond this many characters a prefix is encoded and the rest extrapolated.
export const EXACT_CHAR_LIMIT = 60_000;

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

/**
 * Stand-in for an OpenAI tokenizer that is not loaded yet (the first second or so after start, or
 * for good if its worker cannot run): 2 ASCII characters per token, and every UTF-16 unit outside
 * ASCII a token of its own (an emoji, two units, counts 2). Measured against o200k_base and
 * cl100k_base that is about 2× the real count for prose and code, 1.2× for JSON, ≥ 1× for CJK,
 * Cyrillic and accented text; only dense random strings (base64, hex), long number lists and runs
 * of punctuation come out lower, by at most ~30 %. It errs high on purpose: a reservation that is
 * too large is released at settle, one that is too small could let a limit be overshot. The exact
 * bound (one token per UTF-8 byte) would reserve 4× for ordinary text and refuse ordinary chats
 * near a limit.
 */
export const CONSERVATIVE_ASCII_CHARS_PER_TOKEN = 2;
export const CONSERVATIVE_TOKENIZER = 'approx-openai (tokenizer loading)';

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
  // Synchronous, in this thread: only for estimatePromptTokens below (tests, tools). The app counts
  // in a worker (token-counter.ts) because building a rank table blocks for up to a second.
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

/**
 * Tokens of one text. Special-token names typed by a user ("<|endoftext|>") are plain text to the
 * provider, so they are counted as such (js-tiktoken's default throws on them).
 */
export function encodedLength(e: Encoder, text: string): number {
  return e.encode(text, [], []).length;
}

/** The part of a text that is encoded exactly; anything longer is extrapolated from it (see countFromHead). */
export function exactHead(text: string): string {
  return text.length <= EXACT_CHAR_LIMIT ? text : text.slice(0, EXACT_CHAR_LIMIT);
}

/** A text's tokens from those of its head (exactHead): the head's rate carried over the rest. */
export function countFromHead(text: string, headTokens: number): { tokens: number; sampled: boolean } {
  if (text.length <= EXACT_CHAR_LIMIT) return { tokens: headTokens, sampled: false };
  return { tokens: Math.ceil((headTokens * text.length) / EXACT_CHAR_LIMIT), sampled: true };
}

/** UTF-16 units below 128, code points at or above it, and UTF-16 units at or above it. */
function charClasses(text: string): { ascii: number; otherPoints: number; otherUnits: number } {
  let ascii = 0;
  let otherUnits = 0;
  let pairs = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      ascii++;
      continue;
    }
    otherUnits++;
    // A surrogate pair is one code point (an emoji, a rare CJK character).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        otherUnits++;
        pairs++;
        i++;
      }
    }
  }
  return { ascii, otherPoints: otherUnits - pairs, otherUnits };
}

/** A calibrated approximation: a name (reported with the estimate) and its characters per ASCII token. */
export interface ApproxFamily {
  name: string;
  charsPerToken: number;
}

/** The approximation used for a model without a JS tokenizer. */
export function approxFamilyFor(model: string): ApproxFamily {
  return APPROX.find((a) => a.match.test(model)) ?? DEFAULT_APPROX;
}

export function approxTokenizerName(family: ApproxFamily): string {
  return `${family.name} (${family.charsPerToken} chars/token)`;
}

/** One text's tokens by a family's approximation: ASCII at its ratio, one token per other code point. */
export function countApprox(text: string, charsPerToken: number): number {
  const c = charClasses(text);
  return Math.ceil(c.ascii / charsPerToken + c.otherPoints);
}

/** The stand-in count for an OpenAI-family text while its tokenizer is not loaded (see CONSERVATIVE_ASCII_CHARS_PER_TOKEN). */
export function countConservative(text: string): number {
  const c = charClasses(text);
  return Math.ceil(c.ascii / CONSERVATIVE_ASCII_CHARS_PER_TOKEN + c.otherUnits);
}

/** Chat-format overhead of a request with `n` messages (per-message wrapping and reply priming). */
export function promptOverhead(n: number): number {
  return n * (TOKENS_PER_MESSAGE + TOKENS_PER_ROLE) + REPLY_PRIMING;
}

/** Prompt tokens of a model family without a tokenizer in JS: a calibrated approximation, named in the answer. */
export function approximatePromptTokens(messages: readonly ChatMessage[], model: string): PromptEstimate {
  const family = approxFamilyFor(model);
  let tokens = promptOverhead(messages.length);
  for (const m of messages) tokens += countApprox(m.content, family.charsPerToken);
  return { tokens, tokenizer: approxTokenizerName(family), upperBound: Math.max(tokens, promptBound(messages)) };
}

/**
 * Prompt tokens of a chat request, counted in this thread: a real tokenizer for OpenAI model
 * families (built on first use, which blocks for up to a second) and a calibrated approximation
 * otherwise. The app uses TokenCounter (token-counter.ts), which counts the same way in a worker.
 */
export function estimatePromptTokens(messages: readonly ChatMessage[], provider: ProviderId, model: string): PromptEstimate {
  const enc = encodingFor(provider, model);
  if (!enc) return approximatePromptTokens(messages, model);
  const e = encoder(enc);
  let tokens = promptOverhead(messages.length);
  let sampled = false;
  for (const m of messages) {
    const r = countFromHead(m.content, encodedLength(e, exactHead(m.content)));
    tokens += r.tokens;
    sampled ||= r.sampled;
  }
  // A sampled count is extrapolated, not counted: only the byte bound holds for it.
  return { tokens, tokenizer: sampled ? `${enc} (long text sampled)` : enc, upperBound: sampled ? Math.max(tokens, promptBound(messages)) : tokens };
}
