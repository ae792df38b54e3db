import { describe, expect, it } from 'vitest';
import type { AnyEvent, PreloadApi } from '../../../shared/contract/index.js';
import { BridgeError } from '../../../renderer/src/bridge/errors.js';
import { createElectronBridge } from '../../../renderer/src/bridge/electron-transport.js';

function fakePreload(methods: Record<string, (req: unknown) => Promise<unknown>>) {
  const listeners = new Set<(e: AnyEvent) => void>();
  const api = {
    transport: 'electron',
    methods,
    onEvent: (l: (e: AnyEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as PreloadApi;
  return { api, emit: (e: unknown) => listeners.forEach((l) => l(e as AnyEvent)), listeners };
}

describe('electron bridge', () => {
  it('unwraps ok envelopes', async () => {
    const { api } = fakePreload({ 'settings.get': async () => ({ ok: true, value: { keyFailover: true } }) });
    await expect(createElectronBridge(api).call('settings.get', {})).resolves.toEqual({ keyFailover: true });
  });

  it('throws BridgeError for error envelopes', async () => {
    const { api } = fakePreload({ 'keys.delete': async () => ({ ok: false, error: { code: 'KEY_NOT_FOUND', message: 'No such key.' } }) });
    const err = await createElectronBridge(api).call('keys.delete', { id: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: 'KEY_NOT_FOUND', message: 'No such key.' });
  });

  it('maps a rejected IPC call and garbage answers to INTERNAL without their text', async () => {
    const { api } = fakePreload({
      'app.info': async () => {
        throw new Error('Error invoking remote method: secret stack');
      },
      'vault.status': async () => 'nonsense',
    });
    const bridge = createElectronBridge(api);
    const a = (await bridge.call('app.info', {}).catch((e: unknown) => e)) as BridgeError;
    expect(a.code).toBe('INTERNAL');
    expect(a.message).not.toContain('secret');
    await expect(bridge.call('vault.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('says which method is missing from an older preload', async () => {
    const { api } = fakePreload({});
    await expect(createElectronBridge(api).call('limits.get', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('parses events with the contract and unsubscribes on close', () => {
    const { api, emit, listeners } = fakePreload({});
    const bridge = createElectronBridge(api);
    const got: unknown[] = [];
    bridge.onEvent('session.ended', (p) => got.push(p));
    emit({ name: 'session.ended', payload: { sessionId: 's', reason: 'Key deleted' } });
    emit({ name: 'session.ended', payload: { sessionId: 5 } });
    emit({ name: 'nope', payload: {} });
    expect(got).toEqual([{ sessionId: 's', reason: 'Key deleted' }]);
    expect(bridge.connectionState()).toBe('open');
    bridge.close();
    expect(listeners.size).toBe(0);
    expect(bridge.connectionState()).toBe('closed');
  });
});
