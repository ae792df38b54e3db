import { beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type AnyEvent, type PreloadApi } from '../../../shared/contract/index.js';

const h = vi.hoisted(() => ({
  exposed: [] as Array<[string, unknown]>,
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'answer' })),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => void h.exposed.push([key, api])),
  },
  ipcRenderer: {
    invoke: h.invoke,
    send: vi.fn(),
    sendSync: vi.fn(),
    on: vi.fn((channel: string, fn: (...args: unknown[]) => void) => {
      const set = h.listeners.get(channel) ?? new Set();
      set.add(fn);
      h.listeners.set(channel, set);
    }),
    removeListener: vi.fn((channel: string, fn: (...args: unknown[]) => void) => void h.listeners.get(channel)?.delete(fn)),
  },
}));

let api: PreloadApi;
beforeAll(async () => {
  await import('../../../electron/preload/preload.js');
  expect(h.exposed).toHaveLength(1);
  api = h.exposed[0]?.[1] as PreloadApi;
});

/** What main would do: webContents.send('sb-event', event) arrives with an IpcRendererEvent first. */
function emitFromMain(channel: string, payload: unknown) {
  const rawEvent = { sender: { invoke: h.invoke, send: vi.fn() }, senderId: 0, ports: [] };
  for (const fn of h.listeners.get(channel) ?? []) fn(rawEvent, payload);
}

// Checklist item 4: a fixed method list, no ipcRenderer, no generic invoke/send, no raw event.
describe('preload bridge', () => {
  it('exposes itself as window.switchboard with exactly methods, onEvent and transport', () => {
    expect(h.exposed[0]?.[0]).toBe('switchboard');
    expect(Object.keys(api).sort()).toEqual(['methods', 'onEvent', 'transport']);
    expect(api.transport).toBe('electron');
  });

  it('has exactly one function per contract method', () => {
    expect(Object.keys(api.methods).sort()).toEqual([...METHOD_NAMES].sort());
    for (const name of METHOD_NAMES) expect(typeof api.methods[name]).toBe('function');
  });

  it('exposes nothing generic: no ipcRenderer, invoke, send or on', () => {
    const everything = JSON.stringify(Object.keys(api)) + JSON.stringify(Object.keys(api.methods));
    for (const word of ['ipcRenderer', '"invoke"', '"send"', '"on"', '"sendSync"']) expect(everything).not.toContain(word);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.methods)).toBe(true);
  });

  it('invokes each method on its own sb: channel with only the request', async () => {
    for (const name of METHOD_NAMES) {
      h.invoke.mockClear();
      const request = { probe: name };
      const fn = api.methods[name] as (...args: unknown[]) => Promise<unknown>;
      await expect(fn(request, 'extra-arg-ignored')).resolves.toEqual({ ok: true, value: 'answer' });
      expect(h.invoke).toHaveBeenCalledTimes(1);
      expect(h.invoke).toHaveBeenCalledWith(`sb:${name}`, request);
    }
  });

  it('gives event listeners the event only, never the IpcRendererEvent', () => {
    const seen: unknown[][] = [];
    const unsubscribe = api.onEvent((...args: unknown[]) => void seen.push(args));
    const event: AnyEvent = { name: 'keys.changed', payload: { provider: 'openai' } };
    emitFromMain('sb-event', event);
    expect(seen).toEqual([[event]]);
    unsubscribe();
  });

  it('unsubscribes, and unsubscribing twice is harmless', () => {
    const listener = vi.fn();
    const unsubscribe = api.onEvent(listener);
    unsubscribe();
    unsubscribe();
    emitFromMain('sb-event', { name: 'vault.changed', payload: {} });
    expect(listener).not.toHaveBeenCalled();
    expect(h.listeners.get('sb-event')?.size ?? 0).toBe(0);
  });

  it('ignores malformed event payloads and refuses a non-function listener', () => {
    const listener = vi.fn();
    const unsubscribe = api.onEvent(listener);
    emitFromMain('sb-event', 'just a string');
    emitFromMain('sb-event', null);
    expect(listener).not.toHaveBeenCalled();
    unsubscribe();
    expect(() => api.onEvent('nope' as never)).toThrow(TypeError);
  });

  it('listens on sb-event only', () => {
    api.onEvent(() => {})();
    expect([...h.listeners.keys()]).toEqual(['sb-event']);
  });
});
