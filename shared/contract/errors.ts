// Stable error codes that cross the contract boundary. Callers branch on `code`; `message` is for
// people and never contains a secret.
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'KEY_INVALID',
  'KEY_NOT_FOUND',
  'KEY_NEEDS_REENTRY',
  'QUOTA_EXHAUSTED',
  /** The key is valid but not allowed to do this (project, model or IP restrictions). */
  'PERMISSION_DENIED',
  /** The provider does not serve the user's current country or region. */
  'REGION_NOT_SUPPORTED',
  'RATE_LIMITED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_ERROR',
  'CONTENT_FILTERED',
  'CONTEXT_TOO_LONG',
  'TIMEOUT',
  'NETWORK',
  'STREAM_INTERRUPTED',
  'LIMIT_EXCEEDED',
  'CANCELLED',
  /** The user gave up waiting for a model and skipped to the next entry of the chain. */
  'SKIPPED_BY_USER',
  'SESSION_ENDED',
  'VAULT_LOCKED',
  'SYSTEM_DEFAULT_UNAVAILABLE',
  'CONFLICT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  KEY_INVALID: 400,
  KEY_NOT_FOUND: 404,
  KEY_NEEDS_REENTRY: 409,
  QUOTA_EXHAUSTED: 402,
  PERMISSION_DENIED: 403,
  REGION_NOT_SUPPORTED: 403,
  RATE_LIMITED: 429,
  PROVIDER_UNAVAILABLE: 502,
  PROVIDER_ERROR: 502,
  CONTENT_FILTERED: 400,
  CONTEXT_TOO_LONG: 400,
  TIMEOUT: 504,
  NETWORK: 502,
  STREAM_INTERRUPTED: 502,
  LIMIT_EXCEEDED: 403,
  CANCELLED: 409,
  SKIPPED_BY_USER: 409,
  SESSION_ENDED: 409,
  VAULT_LOCKED: 423,
  SYSTEM_DEFAULT_UNAVAILABLE: 409,
  CONFLICT: 409,
  INTERNAL: 500,
};

/** HTTP status used by the web host for an error code. */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code];
}
