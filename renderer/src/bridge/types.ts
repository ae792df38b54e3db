import type { EventName, EventPayload, MethodName, MethodRequest, MethodResponse } from '../../../shared/contract/index.js';

export interface CallOptions {
  /** Aborts the HTTP request (web). Electron calls run to the end; use chat.cancel to stop a turn. */
  signal?: AbortSignal;
}

export type EventHandler<E extends EventName> = (payload: EventPayload<E>) => void;

/** State of the event channel. Electron's IPC is always open; the web SSE stream reconnects. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The one way the renderer talks to the core, whichever transport carries it. `call` is typed by the
 * contract table; failures are thrown as BridgeError with a stable code.
 */
export interface Bridge {
  readonly transport: 'electron' | 'web';
  call<M extends MethodName>(method: M, request: MethodRequest<M>, options?: CallOptions): Promise<MethodResponse<M>>;
  onEvent<E extends EventName>(name: E, handler: EventHandler<E>): () => void;
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
