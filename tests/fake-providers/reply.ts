import { stripDirectives, type Directives } from './directives.js';
import { estimateTokens } from './usage.js';
import type { Reply, ToolSpec, Turn } from './types.js';

function snippet(text: string, max = 60): string {
  const clean = stripDirectives(text);
  const chars = Array.from(clean);
  return chars.length <= max ? clean : `${chars.slice(0, max).join('')}…`;
}

function pickTools(turn: Turn, directives: Directives): string[] {
  if (turn.tools.length === 0 || turn.toolChoice.mode === 'none') return [];
  const first = turn.tools[0]?.name ?? null;
  const asked = directives.tool?.names ?? [];
  if (turn.toolChoice.mode === 'required') {
    const name = turn.toolChoice.name ?? asked[0] ?? first;
    return name === null ? [] : [name];
  }
  // Without this guard an agent loop would call the tool forever: the directive stays in the last user message.
  if (!directives.tool || turn.toolRounds >= directives.toolRounds) return [];
  if (asked.length > 0) return asked;
  return first === null ? [] : [first];
}

/** The reply to a turn: deterministic, long enough to stream in several deltas, echoing model and question. */
export function buildReply(turn: Turn, directives: Directives, toolCallId: string): Reply {
  const toolNames = pickTools(turn, directives);
  if (toolNames.length > 0) {
    return {
      text: directives.reply ?? `I'll use ${toolNames.join(' and ')} for this.`,
      toolCalls: toolNames.map((name, i) => {
        const spec = turn.tools.find((t) => t.name === name);
        // Parallel calls get distinct ids: the first keeps the request's id, the others add an index.
        return { id: i === 0 ? toolCallId : `${toolCallId}_${i}`, name, args: sampleArgs(spec?.schema ?? null) };
      }),
      finish: 'tool',
    };
  }
  let text: string;
  if (directives.reply !== null) text = directives.reply;
  else if (turn.toolResult !== null) text = `Thanks, the tool answered: "${snippet(turn.toolResult)}". That settles it.`;
  else text = `Hello from ${turn.model}. You said: "${snippet(turn.userText)}". This is a deterministic reply from the fake provider.`;
  // Truncation only applies to estimated usage: a forced `out` is what the test wants reported.
  if (turn.maxTokens !== null && directives.usage?.out == null && estimateTokens(text.length) > turn.maxTokens) {
    return { text: Array.from(text).slice(0, Math.max(1, turn.maxTokens * 4)).join(''), toolCalls: [], finish: 'length' };
  }
  return { text, toolCalls: [], finish: 'stop' };
}

/** Splits reply text into stream deltas of two words each, whitespace kept with the word before it. */
export function splitDeltas(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  if (words.length === 0) return text === '' ? [] : [text];
  const deltas: string[] = [];
  for (let i = 0; i < words.length; i += 2) deltas.push(words.slice(i, i + 2).join(''));
  return deltas;
}

/** Splits a JSON string into fragments the way providers stream tool arguments: mid-token, not at boundaries. */
export function splitArgs(json: string, size = 9): string[] {
  const chars = Array.from(json);
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += size) parts.push(chars.slice(i, i + size).join(''));
  return parts;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sampleValue(schema: unknown, depth: number): unknown {
  if (!isRecord(schema) || depth > 5) return 'example';
  // A schema's own default or first example is what a model most often sends.
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return sampleValue(variants[0], depth + 1);
  const rawType = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  // Gemini's OpenAPI subset spells types in capitals.
  const type = typeof rawType === 'string' ? rawType.toLowerCase() : isRecord(schema.properties) ? 'object' : 'string';
  switch (type) {
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return [sampleValue(schema.items, depth + 1)];
    case 'object':
      return sampleObject(schema, depth + 1);
    default:
      return 'example';
  }
}

function sampleObject(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isRecord(schema.properties)) {
    for (const [key, prop] of Object.entries(schema.properties)) out[key] = sampleValue(prop, depth);
  }
  return out;
}

/** Arguments that satisfy the tool's schema, so clients that validate them accept the call. */
export function sampleArgs(schema: unknown): Record<string, unknown> {
  return isRecord(schema) ? sampleObject(schema, 0) : {};
}

export function toolSpec(name: unknown, schema: unknown): ToolSpec | null {
  return typeof name === 'string' && name !== '' ? { name, schema: schema ?? null } : null;
}
