import type { ErrorKind } from './types.js';

/** Faults that still answer 200 but break the body. */
export type BodyFault = 'stall' | 'cut' | 'garbage' | 'sse-error';

export type Fault =
  | { type: 'body'; name: BodyFault }
  | { type: 'error'; kind: ErrorKind; status?: number };

export interface FaultDirective {
  fault: Fault;
  /** `[[fault:429x2]]`: served this many times per cycle, then the request succeeds. null: every time. */
  times: number | null;
  /** `@openai`, `@azure`, `@anthropic`, `@gemini`; null applies to every format. */
  scope: string | null;
  /** The directive's own text, for error messages and debugging. */
  raw: string;
}

export interface UsageDirective {
  in: number | null;
  out: number | null;
  cached: number;
  write: number;
  /** The part of `write` Anthropic reports as 1-hour cache writes (the rest are 5-minute ones). */
  write1h: number;
  reasoning: number;
}

export interface Directives {
  faults: FaultDirective[];
  usage: UsageDirective | null;
  delayMs: number;
  reply: string | null;
  /** `[[tool]]` (names empty: the first tool offered), `[[tool:<name>]]`, or `[[tool:<a>,<b>]]` for parallel calls. */
  tool: { names: string[] } | null;
  /** `[[toolrounds:N]]`: keep calling tools until N rounds of results have come back (default 1). */
  toolRounds: number;
}

// `reply:` may contain single brackets, so every body runs to the first `]]`.
const DIRECTIVE = /\[\[([a-z]+)(?::([\s\S]*?))?\]\]/gi;

const BODY_FAULTS: ReadonlySet<string> = new Set<BodyFault>(['stall', 'cut', 'garbage', 'sse-error']);

// Numbers whose meaning differs by provider (a 529 is Anthropic's overload, a rejected Gemini key is a 400),
// so they are rendered by meaning; any other number is sent as that literal status.
const STATUS_MEANING: Record<number, ErrorKind> = {
  400: 'bad_request',
  401: 'invalid_key',
  403: 'permission',
  404: 'not_found',
  429: 'rate_limit',
  500: 'server',
  503: 'unavailable',
  529: 'overloaded',
};

const NAMED_ERRORS: Record<string, ErrorKind> = {
  quota: 'quota',
  context: 'context',
  policy: 'policy',
  overloaded: 'overloaded',
  auth: 'invalid_key',
  'rate-limit': 'rate_limit',
};

function parseFault(body: string): FaultDirective | null {
  const m = /^([a-z0-9-]+?)(?:x(\d+))?(?:@([a-z0-9-]+))?$/i.exec(body.trim());
  if (!m) return null;
  const name = (m[1] ?? '').toLowerCase();
  const times = m[2] === undefined ? null : Number(m[2]);
  const scope = m[3]?.toLowerCase() ?? null;
  let fault: Fault | null = null;
  if (BODY_FAULTS.has(name)) fault = { type: 'body', name: name as BodyFault };
  else if (name in NAMED_ERRORS) fault = { type: 'error', kind: NAMED_ERRORS[name] as ErrorKind };
  else if (/^[45]\d\d$/.test(name)) {
    const status = Number(name);
    const meaning = STATUS_MEANING[status];
    fault = meaning ? { type: 'error', kind: meaning } : { type: 'error', kind: 'status', status };
  }
  if (!fault || times === 0) return null;
  return { fault, times, scope, raw: `[[fault:${body}]]` };
}

function parseUsage(body: string): UsageDirective {
  const usage: UsageDirective = { in: null, out: null, cached: 0, write: 0, write1h: 0, reasoning: 0 };
  for (const part of body.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim().toLowerCase());
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n) || n < 0) continue;
    const count = Math.floor(n);
    if (key === 'in') usage.in = count;
    else if (key === 'out') usage.out = count;
    else if (key === 'cached') usage.cached = count;
    else if (key === 'write') usage.write = count;
    else if (key === 'write1h') usage.write1h = count;
    else if (key === 'reasoning') usage.reasoning = count;
  }
  return usage;
}

/** Reads every `[[...]]` directive in the text; unknown or malformed ones are ignored, never fatal. */
export function parseDirectives(text: string): Directives {
  const out: Directives = { faults: [], usage: null, delayMs: 0, reply: null, tool: null, toolRounds: 1 };
  for (const m of text.matchAll(DIRECTIVE)) {
    const name = (m[1] ?? '').toLowerCase();
    const body = m[2];
    if (name === 'fault' && body !== undefined) {
      const fault = parseFault(body);
      if (fault) out.faults.push(fault);
    } else if (name === 'usage' && body !== undefined) {
      out.usage = parseUsage(body);
    } else if (name === 'delay' && body !== undefined) {
      const ms = Number(body.trim());
      if (Number.isFinite(ms) && ms >= 0) out.delayMs = Math.min(Math.floor(ms), 60_000);
    } else if (name === 'reply' && body !== undefined) {
      out.reply = body;
    } else if (name === 'tool') {
      out.tool = { names: (body ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '') };
    } else if (name === 'toolrounds' && body !== undefined) {
      const n = Number(body.trim());
      if (Number.isInteger(n) && n >= 1) out.toolRounds = Math.min(n, 100);
    }
  }
  return out;
}

/** The text with every directive removed, for echoing back what the user asked. */
export function stripDirectives(text: string): string {
  return text.replace(DIRECTIVE, ' ').replace(/\s+/g, ' ').trim();
}
