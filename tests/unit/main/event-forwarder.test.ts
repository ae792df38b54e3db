import { describe, expect, it, vi } from 'vitest';
import type { AnyEvent } from '../../../shared/contract/index.js';
import { APP_ORIGIN } from '../../../electron/main/app-origin.js';
import { forwardEvents, type EventWindow } from '../../../electron/main/event-forwarder.js';

function fakeCore() {
  let listener: ((e: AnyEvent) => void) | undefined;
  const unsubscribe = vi.fn();
  return {
    core: {
      onEvent: (l: (e: AnyEvent) => void) => {
        listener = l;
        return unsubscribe;
      },
    },
    emit: (e: AnyEvent) => listener?.(e),
    unsubscribe,
  };
}

const win = (url: string, destroyed = false) => ({
  webContents: { send: vi.fn(), getURL: () => url, isDestroyed: () => destroyed },
});

describe('forwardEvents', () => {
  it('sends each event on sb-event to the factory windows that show the app', () => {
    const { core, emit, unsubscribe } = fakeCore();
    const app = win('app://switchboard/usage');
    const elsewhere = win('https://evil.example/');
    const gone = win('app://switchboard/', true);
    const stop = forwardEvents(core, () => [app, elsewhere, gone] as EventWindow[], APP_ORIGIN);
    const event: AnyEvent = { name: 'vault.changed', payload: {} };
    emit(event);
    expect(app.webContents.send).toHaveBeenCalledWith('sb-event', event);
    expect(elsewhere.webContents.send).not.toHaveBeenCalled();
    expect(gone.webContents.send).not.toHaveBeenCalled();
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});
