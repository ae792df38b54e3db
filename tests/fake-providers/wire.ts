import type { Separator } from './sse.js';
import type { Flavor, Frame, Reply, TokenCounts, Turn, WireError, WireResponse } from './types.js';

/** What the URL already says about a generation request (Gemini and Azure put model and mode in the path). */
export interface RouteInfo {
  flavor: Flavor;
  pathModel: string | null;
  pathStream: boolean | null;
  /** A provider that speaks the flavor's format with its own additions (OpenRouter over OpenAI). */
  dialect?: 'openrouter';
}

export type Parsed = Turn | { invalid: string };

/** Per-response identifiers come from one counter so answers are unique yet reproducible. */
export interface Answer {
  turn: Turn;
  reply: Reply;
  tokens: TokenCounts;
  seq: number;
  created: number;
}

/** One wire format's generation endpoint: request parsing and every answer it can give. */
export interface GenerationWire {
  separator: Separator;
  parse(body: unknown, route: RouteInfo): Parsed;
  error(err: WireError): WireResponse;
  json(answer: Answer): WireResponse;
  frames(answer: Answer): Frame[];
  streamHeaders(answer: Answer): Record<string, string>;
  /** The in-stream error event the provider sends after a 200 has started. */
  streamError(): Pick<Frame, 'event' | 'data'>;
  /** Headers the provider insists on besides the key (Anthropic's `anthropic-version`). */
  checkHeaders?(header: (name: string) => string | undefined): WireError | null;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Shows what a provider shows of a rejected key: a few characters each end, never the whole secret. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(24, key.length - 7))}${key.slice(-4)}`;
}

export function requestId(prefix: string, seq: number): string {
  return `${prefix}${seq.toString(36).padStart(8, '0')}fake`;
}

/** Compact JSON, as OpenAI and Anthropic send it. */
export const compact = (v: unknown): string => JSON.stringify(v);

/** Gemini's servers put a space after each colon (not after commas); hand-written parsers sometimes trip on it. */
export function spaced(v: unknown): string {
  // Indentation whitespace only ever follows a newline, and string values carry newlines escaped.
  return JSON.stringify(v, null, 1).replace(/\n */g, '');
}
