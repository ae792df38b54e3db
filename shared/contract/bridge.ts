import type { ErrorPayload } from './errors.js';
import type { AnyEvent } from './events.js';
import type { MethodName, MethodRequest, MethodResponse } from './methods.js';

/** What one call answers across a transport: a value, or a stable error. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/**
 * Exposed by the preload as `window.switchboard`: one function per contract method (no generic
 * invoke) and one event subscription that hands listeners the event, never the raw IPC event.
 */
export type PreloadApi = {
  readonly methods: { readonly [M in MethodName]: (request: MethodRequest<M>) => Promise<Envelope<MethodResponse<M>>> };
  readonly onEvent: (listener: (event: AnyEvent) => void) => () => void;
  readonly transport: 'electron';
};

export const PRELOAD_GLOBAL = 'switchboard';
export const IPC_CHANNEL_PREFIX = 'sb:';
export const IPC_EVENT_CHANNEL = 'sb-event';

/** The IPC channel of one contract method: what main handles and the preload invokes. */
export function channelFor(method: MethodName): string {
  return IPC_CHANNEL_PREFIX + method;
}
