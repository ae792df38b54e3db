import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { EventName } from '../../../shared/contract/index.js';
import type { Bridge, ConnectionState, EventHandler } from './types.js';

const BridgeContext = createContext<Bridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: Bridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): Bridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside BridgeProvider');
  return bridge;
}

/** Subscribes to one core event for the component's lifetime; the handler may change freely. */
export function useBridgeEvent<E extends EventName>(name: E, handler: EventHandler<E>): void {
  const bridge = useBridge();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => bridge.onEvent(name, (payload) => ref.current(payload)), [bridge, name]);
}

export function useConnectionState(): ConnectionState {
  const bridge = useBridge();
  return useSyncExternalStore(
    (cb) => bridge.onConnectionChange(cb),
    () => bridge.connectionState(),
  );
}
