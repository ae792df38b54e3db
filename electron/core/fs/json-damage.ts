import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';

export type JsonFileRead<T> =
  | { state: 'missing' }
  | { state: 'ok'; data: T }
  /** The bytes are there but are not what Switchboard wrote: `problem` says how, in plain words. */
  | { state: 'damaged'; problem: string }
  /** The file could not be read at all (permissions, a folder in its place). */
  | { state: 'unreadable'; problem: string };

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a piece of text';
  return `a ${typeof value}`;
}

/**
 * Reads a JSON file Switchboard wrote and checks it with `schema`, telling apart what can go wrong:
 * empty, cut short or overwritten (not JSON), JSON of the wrong type, or content with unexpected values.
 */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): JsonFileRead<z.output<S>> {
  if (!existsSync(path)) return { state: 'missing' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { state: 'unreadable', problem: `It could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); check its permissions.` };
  }
  if (text.trim() === '') return { state: 'damaged', problem: 'It is empty.' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { state: 'damaged', problem: 'It is not valid JSON (cut short or overwritten).' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { state: 'damaged', problem: `It holds ${kindOf(raw)} where Switchboard keeps an object.` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { state: 'damaged', problem: 'Its content is not what Switchboard wrote (unexpected fields or values).' };
  return { state: 'ok', data: parsed.data };
}
