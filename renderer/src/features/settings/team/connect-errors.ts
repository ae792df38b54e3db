import { describeError, fieldMessage, isBridgeError } from '../../../bridge/errors.js';

export type Problems = { url?: string; token?: string; other?: unknown };

/** Which input a failed connect points at: the core names the field (url or token) in its error. */
export function problemsOf(error: unknown): Problems {
  if (!isBridgeError(error)) return { other: error };
  const field = error.details?.field;
  const view = describeError(error);
  const text = view.hint ? `${view.message} ${view.hint}` : view.message;
  if (field === 'url') return { url: fieldMessage(text, 'url') };
  if (field === 'token') return { token: fieldMessage(text, 'token') };
  return { other: error };
}

