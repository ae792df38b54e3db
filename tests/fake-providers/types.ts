/** The three wire formats the official SDKs speak. Every OpenAI-compatible provider speaks `openai`. */
export type WireFormat = 'openai' | 'anthropic' | 'gemini';

/** Which door a request came through: Azure speaks the OpenAI format but authenticates and errs its own way. */
export type Flavor = 'openai' | 'azure' | 'anthropic' | 'gemini';

export const FORMAT_OF: Record<Flavor, WireFormat> = {
  openai: 'openai',
  azure: 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
};

export interface ToolSpec {
  name: string;
  /** JSON schema (or Gemini's OpenAPI subset) of the arguments; null when none was given. */
  schema: unknown;
}

/** How the request constrains tool use, in each format's own words translated to one vocabulary. */
export type ToolChoice = { mode: 'auto' } | { mode: 'none' } | { mode: 'required'; name: string | null };

/** One generation request, reduced to what the fake needs to answer it in any format. */
export interface Turn {
  flavor: Flavor;
  model: string;
  stream: boolean;
  /** Text of the last message the user wrote (tool results are not the user writing): directives live here. */
  userText: string;
  /** Characters of every prompt part (system, messages, tool definitions), for usage estimates. */
  promptChars: number;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  /** Set when the conversation ends with tool results rather than the user's words: the text of those results. */
  toolResult: string | null;
  /** Rounds of tool results since the user last wrote (0 when the conversation ends with the user's words). */
  toolRounds: number;
  maxTokens: number | null;
  /** OpenAI only: stream_options.include_usage. */
  includeUsage: boolean;
  /** Anthropic only: extended thinking was enabled, so the answer opens with a thinking block. */
  thinking: boolean;
}

export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface Reply {
  /** For tool calls: the short preamble Anthropic models write before a tool_use block. */
  text: string;
  /** Empty when the reply is words; several when the model calls tools in parallel. */
  toolCalls: ToolCall[];
  finish: 'stop' | 'length' | 'tool';
}

/** Token counts in one vocabulary; each wire format reports them by its own rules. */
export interface TokenCounts {
  /** Every prompt token, cache reads and cache writes included. */
  input: number;
  cached: number;
  write: number;
  /** The part of `write` that went to Anthropic's 1-hour cache. */
  write1h: number;
  /** Every output token, reasoning included. */
  output: number;
  reasoning: number;
}

/** One server-sent event. `phase` tells the fault injector where content starts and ends. */
export interface Frame {
  event?: string;
  data: string;
  phase: 'head' | 'content' | 'tail';
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Errors by meaning; each wire format renders them as the real provider does. */
export type ErrorKind =
  | 'missing_key'
  | 'invalid_key'
  | 'bad_request'
  | 'permission'
  | 'not_found'
  | 'rate_limit'
  | 'quota'
  | 'context'
  | 'policy'
  | 'server'
  | 'unavailable'
  | 'overloaded'
  | 'status';

export interface WireError {
  kind: ErrorKind;
  /** Only for kind `status`: a literal HTTP status rendered in the format's generic error shape. */
  status?: number;
  /** Only for kind `bad_request`: what was wrong with the request. */
  message?: string;
  /** The request's model, when known, for messages that name it. */
  model?: string;
  /** The rejected key as providers echo it: masked. */
  maskedKey?: string;
  /** Whether the request asked for a stream: Gemini answers some refusals with a 200 in the requested mode. */
  stream?: boolean;
}
