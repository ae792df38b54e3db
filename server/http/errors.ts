import type { ServerResponse } from 'node:http';
import { AppError, httpStatusFor, type ErrorCode } from '../../shared/contract/index.js';

/** Codes only the team server answers with, beside the app's stable ErrorCodes. */
export type ServerErrorCode = ErrorCode | 'PAYLOAD_TOO_LARGE' | 'METHOD_NOT_ALLOWED' | 'UNSUPPORTED_MEDIA_TYPE';

/**
 * An error answer: `{"error": {"code", "message", "type"}}` with an HTTP status, in the shape OpenAI
 * clients read (its `type`), so the official SDKs raise the right exception class.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    message: string,
    readonly extra: { details?: Record<string, unknown>; headers?: Record<string, string>; param?: string } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The HTTP status of an app error code on this server. A budget refusal is 429, as OpenAI clients expect. */
export function statusForCode(code: ErrorCode): number {
  if (code === 'LIMIT_EXCEEDED') return 429;
  if (code === 'PERMISSION_DENIED') return 403;
  if (code === 'KEY_INVALID' || code === 'KEY_NOT_FOUND' || code === 'QUOTA_EXHAUSTED' || code === 'VAULT_LOCKED' || code === 'KEY_NEEDS_REENTRY') {
    // The team's own key failed: not the caller's fault, and nothing they can fix by resending.
    return 502;
  }
  if (code === 'SYSTEM_DEFAULT_UNAVAILABLE') return 503;
  return httpStatusFor(code);
}

/** OpenAI's error `type` for a status (what its SDKs and most clients branch on). */
export function typeForStatus(status: number, code: string): string {
  if (code === 'LIMIT_EXCEEDED') return 'insufficient_quota';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof AppError) {
    const status = statusForCode(err.code);
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return new ApiError(status, err.code, err.message, {
      ...(publicDetails(err.code, err.details) ? { details: publicDetails(err.code, err.details)! } : {}),
      ...(field ? { param: field } : {}),
      ...(err.code === 'LIMIT_EXCEEDED' ? { headers: { 'x-should-retry': 'false' } } : {}),
    });
  }
  return new ApiError(500, 'INTERNAL', 'Something went wrong inside the team server. The details are in its log.');
}

/**
 * Details safe to answer with: never key ids of the team's keys, partial text or attempts (they name
 * team keys). The core's hints speak to the app's user (Settings → Providers), so only the server's
 * own (budget refusals) are passed on.
 */
function publicDetails(code: string, details: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!details) return null;
  const out: Record<string, unknown> = {};
  const keys = ['field', 'issues', 'limit', 'scope', 'used', 'resetsAt', 'unit', 'max', 'provider', 'model', ...(code === 'LIMIT_EXCEEDED' ? ['hint'] : [])];
  for (const k of keys) {
    if (details[k] !== undefined) out[k] = details[k];
  }
  return Object.keys(out).length > 0 ? out : null;
}

export function errorBody(error: ApiError): string {
  return JSON.stringify({
    error: {
      code: error.code,
      message: error.message,
      type: typeForStatus(error.status, error.code),
      param: error.extra.param ?? null,
      ...(error.extra.details ? { details: error.extra.details } : {}),
    },
  });
}

export const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } as const;

export function sendError(res: ServerResponse, err: unknown): void {
  const error = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(error.status, { ...JSON_HEADERS, ...(error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}), ...error.extra.headers });
  res.end(errorBody(error));
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (status === 204) {
    res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
    return;
  }
  res.writeHead(status, JSON_HEADERS).end(JSON.stringify(value));
}
