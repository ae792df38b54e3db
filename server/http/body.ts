import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { describeIssues } from '../../shared/contract/index.js';
import { ApiError } from './errors.js';

/**
 * The JSON body of a request, refused with 413 past `maxBytes` (by Content-Length before reading,
 * or while reading a chunked body) and with 400 when it is not JSON. An empty body is `{}`.
 */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${formatBytes(maxBytes)}.`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge();
  }
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(json|[a-z0-9.+-]*\+json)\b/i.test(type) && declared !== 0) {
    req.resume();
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON (Content-Type: application/json).');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'VALIDATION', 'The request body is not valid JSON.', { param: '(body)' });
  }
}

/** Parses with a zod schema, or a 400 VALIDATION naming the first failing field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const d = describeIssues(result.error);
    throw new ApiError(400, 'VALIDATION', `Invalid ${what}: ${d.message}`, { param: d.field, details: { field: d.field, issues: d.issues.slice(0, 10) } });
  }
  return result.data as z.infer<S>;
}

function formatBytes(n: number): string {
  return n >= 1048576 ? `${Math.round(n / 1048576)} MB` : `${Math.round(n / 1024)} KB`;
}
