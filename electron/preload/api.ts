import type { IpcRendererEvent } from 'electron';
import type { AnyEvent, PreloadApi } from '../../shared/contract/index.js';
import { channelFor, IPC_EVENT_CHANNEL, METHOD_NAMES } from './constants.js';

/** The part of ipcRenderer the bridge uses; the real object never reaches the page. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

/**
 * One function per contract method, each bound to its own channel, so the page can reach nothing
 * but the contract: no generic invoke, no send, no ipcRenderer. Each function passes exactly one
 * argument, the request.
 */
export function buildPreloadApi(ipc: IpcRendererLike): PreloadApi {
  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of METHOD_NAMES) {
    const channel = channelFor(name);
    methods[name] = (request: unknown) => ipc.invoke(channel, request);
  }

  const onEvent = (listener: (event: AnyEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    // The IpcRendererEvent carries `sender` (ipcRenderer itself): it must never reach the page.
    const relay = (_event: IpcRendererEvent, payload: unknown) => {
      if (isEvent(payload)) listener(payload);
    };
    ipc.on(IPC_EVENT_CHANNEL, relay);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(IPC_EVENT_CHANNEL, relay);
    };
  };

  return Object.freeze({
    methods: Object.freeze(methods) as unknown as PreloadApi['methods'],
    onEvent,
    transport: 'electron' as const,
  });
}

function isEvent(value: unknown): value is AnyEvent {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';
}

