import { IPC_EVENT_CHANNEL, type AnyEvent } from '../../shared/contract/index.js';
import type { Core } from '../core/core.js';
import { isSameOrigin } from './app-origin.js';

export interface EventWindow {
  readonly webContents: {
    send(channel: string, ...args: unknown[]): void;
    getURL(): string;
    isDestroyed(): boolean;
  };
}

/**
 * Core events go only to windows the factory made, and only while they show the app: a window
 * that somehow left the app origin gets nothing.
 */
export function forwardEvents(core: Pick<Core, 'onEvent'>, windows: () => readonly EventWindow[], appOrigin: string): () => void {
  return core.onEvent((event: AnyEvent) => {
    for (const win of windows()) {
      const contents = win.webContents;
      if (contents.isDestroyed() || !isSameOrigin(contents.getURL(), appOrigin)) continue;
      contents.send(IPC_EVENT_CHANNEL, event);
    }
  });
}
