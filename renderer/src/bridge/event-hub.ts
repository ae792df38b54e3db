import { events, type AnyEvent, type EventName } from '../../../shared/contract/index.js';
import type { ConnectionState, EventHandler } from './types.js';

function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/**
 * Parses one event with the contract's schema. Unknown names and payloads that do not match are
 * dropped (a newer core may send events this build does not know).
 */
export function parseEvent(name: string, payload: unknown): AnyEvent | null {
  if (!isEventName(name)) return null;
  const parsed = events[name].safeParse(payload);
  return parsed.success ? ({ name, payload: parsed.data } as AnyEvent) : null;
}

/** Parses an SSE `data:` line (JSON) for the named event. */
export function parseEventData(name: string, data: string): AnyEvent | null {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return null;
  }
  return parseEvent(name, payload);
}

type AnyHandler = (payload: unknown) => void;

/** Fan-out of parsed events and connection state to subscribers; one bad handler cannot stop the others. */
export class EventHub {
  private readonly handlers = new Map<EventName, Set<AnyHandler>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState;

  constructor(initial: ConnectionState) {
    this.state = initial;
  }

  on<E extends EventName>(name: E, handler: EventHandler<E>): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    const h = handler as AnyHandler;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  emit(event: AnyEvent): void {
    const set = this.handlers.get(event.name);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(event.payload);
      } catch (err) {
        reportHandlerError(event.name, err);
      }
    }
  }

  get connection(): ConnectionState {
    return this.state;
  }

  setConnection(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  clear(): void {
    this.handlers.clear();
    this.stateListeners.clear();
  }
}

function reportHandlerError(name: string, err: unknown): void {
  // Only the event name and the error type: payloads may carry conversation text.
  console.error(`Switchboard: a handler for "${name}" failed`, err instanceof Error ? err.name : typeof err);
}
