import type { z } from 'zod';
import { AppError } from './errors.js';
import { contract, type MethodName, type ParsedRequest } from './methods.js';

/** Names the first failing field the way a person reads it: `target.model`, `messages[0].role`. */
export function describeIssues(error: z.ZodError): { message: string; field: string; issues: { field: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({ field: formatPath(issue.path), message: issue.message }));
  const first = issues[0] ?? { field: '(request)', message: 'invalid request' };
  return { message: `${first.field}: ${first.message}`, field: first.field, issues };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(request)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Parses a request with its method's schema, or throws a VALIDATION error naming the field. */
export function parseRequest<M extends MethodName>(method: M, input: unknown): ParsedRequest<M> {
  const result = contract[method].request.safeParse(input ?? {});
  if (!result.success) {
    const described = describeIssues(result.error);
    throw new AppError('VALIDATION', `Invalid ${method} request: ${described.message}`, {
      field: described.field,
      issues: described.issues,
    });
  }
  return result.data as ParsedRequest<M>;
}
