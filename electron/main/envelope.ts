import type { Envelope } from '../../shared/contract/index.js';
import { toAppError } from '../core/app/dispatcher.js';

/**
 * Runs one call and answers an Envelope, never a rejection: Electron would turn a thrown error
 * into "Error invoking remote method ..." text, losing the stable code and possibly leaking an
 * internal message. Unexpected errors become INTERNAL with a generic message (toAppError).
 */
export async function toEnvelope<T>(run: () => Promise<T> | T): Promise<Envelope<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: toAppError(err).toPayload() };
  }
}
