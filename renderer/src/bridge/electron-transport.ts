import type { EventName, MethodName, MethodRequest, MethodResponse, PreloadApi } from '../../../shared/contract/index.js';
import { BridgeError, errorFromPayload } from './errors.js';
import { EventHub, parseEvent } from './event-hub.js';
import type { Bridge, EventHandler } from './types.js';

/** The Electron transport: the preload's fixed method table answers Envelopes; events arrive over IPC. */
export function createElectronBridge(api: PreloadApi): Bridge {
  const hub = new EventHub('open');
  // The preload already hands us {name, payload}; parse again so a bad payload never reaches the UI.
  const unsubscribe = api.onEvent((event) => {
    const parsed = parseEvent(event.name, event.payload);
    if (parsed) hub.emit(parsed);
  });

  async function call<M extends MethodName>(method: M, request: MethodRequest<M>): Promise<MethodResponse<M>> {
    const fn = api.methods[method] as ((req: MethodRequest<M>) => Promise<unknown>) | undefined;
    if (typeof fn !== 'function') throw new BridgeError('NOT_FOUND', `This version of Switchboard has no "${method}".`);
    let envelope: unknown;
    try {
      envelope = await fn(request);
    } catch {
      throw new BridgeError('INTERNAL', 'The app’s background process did not answer. Restart Switchboard if this keeps happening.');
    }
    if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
      const e = envelope as { ok: boolean; value?: unknown; error?: unknown };
      if (e.ok) return e.value as MethodResponse<M>;
      throw errorFromPayload(e.error);
    }
    throw new BridgeError('INTERNAL', 'The app’s background process gave an answer this window cannot read.');
  }

  return {
    transport: 'electron',
    call,
    onEvent: <E extends EventName>(name: E, handler: EventHandler<E>) => hub.on(name, handler),
    connectionState: () => hub.connection,
    onConnectionChange: (listener) => hub.onConnection(listener),
    close: () => {
      unsubscribe();
      hub.setConnection('closed');
      hub.clear();
    },
  };
}
