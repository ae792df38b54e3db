import type { EventName, MethodName, MethodRequest, MethodResponse } from '../../../shared/contract/index.js';
import { isDownloadMethod } from '../../../shared/contract/methods.js';
import { CsvRecordCounter, filenameFromDisposition } from './csv-download.js';
import { BridgeError, errorFromPayload } from './errors.js';
import { EventHub, parseEventData } from './event-hub.js';
import { openEventStream, type EventStreamHandle } from './event-stream.js';
import type { Bridge, CallOptions, EventHandler } from './types.js';

export interface WebBridgeOptions {
  token: string;
  /** '' for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called once when the host answers 401 (wrong or expired token). */
  onUnauthorized?: () => void;
  /** Saves a downloaded file (the DOM part lives in the app, see download.ts). */
  saveFile?: (blob: Blob, filename: string) => void;
  /** Open the event stream right away (default true). */
  events?: boolean;
}

const JSON_TYPE = /^application\/json\b/i;

/** The browser transport: POST /api/rpc/<method> with the bearer token, events over SSE. */
export function createWebBridge(options: WebBridgeOptions): Bridge {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch: typeof fetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const hub = new EventHub('connecting');
  let unauthorizedReported = false;
  let stream: EventStreamHandle | null = null;
  let closed = false;

  const unauthorized = () => {
    if (unauthorizedReported) return;
    unauthorizedReported = true;
    stream?.stop();
    hub.setConnection('closed');
    options.onUnauthorized?.();
  };

  const authHeader = `Bearer ${options.token}`;

  async function post(method: MethodName, request: unknown, signal: AbortSignal | undefined): Promise<Response> {
    try {
      return await doFetch(`${baseUrl}/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: authHeader },
        body: JSON.stringify(request ?? {}),
        credentials: 'omit',
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) {
        throw new BridgeError('CANCELLED', 'The request was cancelled.');
      }
      throw new BridgeError('NETWORK', 'Cannot reach the Switchboard host.');
    }
  }

  async function failure(res: Response): Promise<BridgeError> {
    let body: unknown;
    try {
      body = JSON_TYPE.test(res.headers.get('Content-Type') ?? '') ? await res.json() : undefined;
    } catch {
      body = undefined;
    }
    const error = errorFromPayload(body, res.status);
    if (res.status === 401) unauthorized();
    return error;
  }

  async function download(res: Response): Promise<{ saved: boolean; rows: number; path?: string }> {
    const filename = filenameFromDisposition(res.headers.get('Content-Disposition'), 'switchboard-usage.csv');
    const counter = new CsvRecordCounter();
    const parts: Uint8Array[] = [];
    if (res.body) {
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        counter.push(decoder.decode(value, { stream: true }));
      }
    }
    if (!options.saveFile) return { saved: false, rows: counter.records };
    options.saveFile(new Blob(parts as unknown as ConstructorParameters<typeof Blob>[0], { type: 'text/csv;charset=utf-8' }), filename);
    return { saved: true, rows: counter.records };
  }

  async function call<M extends MethodName>(method: M, request: MethodRequest<M>, callOptions?: CallOptions): Promise<MethodResponse<M>> {
    if (closed) throw new BridgeError('CANCELLED', 'The connection to the host was closed.');
    const res = await post(method, request, callOptions?.signal);
    if (!res.ok) throw await failure(res);
    try {
      if (isDownloadMethod(method)) return (await download(res)) as MethodResponse<M>;
      return (await res.json()) as MethodResponse<M>;
    } catch (err) {
      if (callOptions?.signal?.aborted) throw new BridgeError('CANCELLED', 'The request was cancelled.');
      if (err instanceof BridgeError) throw err;
      throw new BridgeError('NETWORK', 'The host’s answer was cut off. Try again.');
    }
  }

  if (options.events !== false) {
    stream = openEventStream({
      url: `${baseUrl}/api/events`,
      token: options.token,
      fetch: doFetch,
      onMessage: (name, data) => {
        const event = parseEventData(name, data);
        if (event) hub.emit(event);
      },
      onState: (state) => {
        if (!unauthorizedReported) hub.setConnection(state);
      },
      onUnauthorized: unauthorized,
    });
  }

  return {
    transport: 'web',
    call,
    onEvent: <E extends EventName>(name: E, handler: EventHandler<E>) => hub.on(name, handler),
    connectionState: () => hub.connection,
    onConnectionChange: (listener) => hub.onConnection(listener),
    close: () => {
      closed = true;
      stream?.stop();
      hub.setConnection('closed');
      hub.clear();
    },
  };
}
