import { ERROR_CODES, type ErrorCode, type ErrorPayload } from '../../../shared/contract/index.js';

const KNOWN = new Set<string>(ERROR_CODES);

/** A failed bridge call. `message` is written for people and never holds a secret or a stack. */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** HTTP status, when the web transport saw one. */
  readonly status?: number;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, status?: number) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
    if (details !== undefined) this.details = details;
    if (status !== undefined) this.status = status;
  }

  /** Troubleshooting text the core attached (e.g. a failed key test's hint), if any. */
  get hint(): string | undefined {
    const hint = this.details?.hint;
    return typeof hint === 'string' && hint.trim() !== '' ? hint : undefined;
  }
}

export function isBridgeError(value: unknown): value is BridgeError {
  return value instanceof BridgeError;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  402: 'QUOTA_EXHAUSTED',
  403: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  423: 'VAULT_LOCKED',
  429: 'RATE_LIMITED',
  502: 'PROVIDER_UNAVAILABLE',
  503: 'PROVIDER_UNAVAILABLE',
  504: 'TIMEOUT',
};

/** Best guess at a code when an answer carried none (a proxy's error page, a truncated body). */
export function codeForStatus(status: number): ErrorCode {
  return STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns whatever crossed the boundary into a BridgeError. Accepts the bare payload
 * `{code, message, details}` (Electron envelope) or the web host's `{error: {...}}`.
 * Unknown codes become INTERNAL but keep the original in details.code so nothing is lost.
 */
export function errorFromPayload(raw: unknown, status?: number): BridgeError {
  const payload = isRecord(raw) && isRecord(raw.error) ? raw.error : raw;
  if (!isRecord(payload)) {
    const code = status === undefined ? 'INTERNAL' : codeForStatus(status);
    return new BridgeError(code, defaultMessage(code), undefined, status);
  }
  const rawCode = typeof payload.code === 'string' ? payload.code : undefined;
  const known = rawCode !== undefined && KNOWN.has(rawCode);
  const code: ErrorCode = known ? (rawCode as ErrorCode) : status === undefined ? 'INTERNAL' : codeForStatus(status);
  const message = typeof payload.message === 'string' && payload.message.trim() !== '' ? payload.message : defaultMessage(code);
  let details = isRecord(payload.details) ? { ...payload.details } : undefined;
  if (rawCode !== undefined && !known) details = { ...details, code: rawCode };
  return new BridgeError(code, message, details, status);
}

export function toErrorPayload(error: BridgeError): ErrorPayload {
  return error.details === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, details: error.details };
}

const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'The Switchboard host did not accept this browser’s access token.',
  NETWORK: 'Cannot reach the Switchboard host.',
  TIMEOUT: 'The request took too long.',
  CANCELLED: 'The request was cancelled.',
  NOT_FOUND: 'Not found.',
  RATE_LIMITED: 'Too many requests; wait a moment and try again.',
  VAULT_LOCKED: 'Your keys are locked. Unlock them in Settings → Providers & Keys.',
  INTERNAL: 'Something went wrong inside Switchboard.',
};

export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGES[code] ?? 'The request failed.';
}

/** What the UI shows for any failure: a title, a sentence, and what to try. Never a stack trace. */
export interface ErrorView {
  code: ErrorCode;
  title: string;
  message: string;
  hint?: string;
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  VALIDATION: 'Check the form',
  UNAUTHORIZED: 'Not connected',
  KEY_INVALID: 'The key was refused',
  KEY_NOT_FOUND: 'Key not found',
  KEY_NEEDS_REENTRY: 'Enter the key again',
  QUOTA_EXHAUSTED: 'Out of credit',
  RATE_LIMITED: 'Slow down',
  PROVIDER_UNAVAILABLE: 'Provider unavailable',
  PROVIDER_ERROR: 'Provider error',
  NETWORK: 'Connection problem',
  TIMEOUT: 'Timed out',
  LIMIT_EXCEEDED: 'Limit reached',
  VAULT_LOCKED: 'Keys are locked',
  CONFLICT: 'Conflict',
  LEDGER_UNAVAILABLE: 'Usage cannot be recorded',
  INTERNAL: 'Something went wrong',
};

const HINTS: Partial<Record<ErrorCode, string>> = {
  NETWORK: 'Check that the Switchboard host (npm run web) is still running, then try again.',
  INTERNAL: 'Try again. If it keeps happening, the details are in the log file in the data folder.',
  VAULT_LOCKED: 'Unlock your keys in Settings → Providers & Keys.',
  RATE_LIMITED: 'Wait a little and try again.',
};

export function describeError(error: unknown): ErrorView {
  if (isBridgeError(error)) {
    const hint = error.hint ?? HINTS[error.code];
    return {
      code: error.code,
      title: TITLES[error.code] ?? 'Request failed',
      message: error.message,
      ...(hint && hint !== error.message ? { hint } : {}),
    };
  }
  // A bug on our side: show something calm, keep the raw text out of the UI.
  return { code: 'INTERNAL', title: TITLES.INTERNAL!, message: defaultMessage('INTERNAL'), hint: HINTS.INTERNAL! };
}

/** The error as one line of text (message, then the hint), for places with room for a sentence, not a callout. */
export function errorText(error: unknown): string {
  const view = describeError(error);
  return view.hint ? `${view.message} ${view.hint}` : view.message;
}

/**
 * A VALIDATION message as shown under its own input: without the "Invalid <method> request: " the
 * contract check puts first, and without the field's name when the message starts with it. What is
 * left of "name: an agent needs a name" then starts a sentence, so it starts with a capital.
 */
export function fieldMessage(message: string, field?: unknown): string {
  const stripped = message.replace(/^Invalid \S+ request: /, '');
  if (typeof field !== 'string' || !stripped.startsWith(`${field}: `)) return stripped;
  const rest = stripped.slice(field.length + 2);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
