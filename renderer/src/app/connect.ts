import { createWebBridge } from '../bridge/web-transport.js';
import { saveBlob } from '../bridge/download.js';
import { tokenStorage } from '../bridge/environment.js';
import { forgetToken, storeToken } from '../bridge/token.js';
import type { Bridge } from '../bridge/types.js';
import { useSessionStore } from '../state/session-store.js';

/** The web bridge the app runs on; a 401 anywhere sends the user back to the Connect screen. */
export function connectWeb(token: string): Bridge {
  storeToken(tokenStorage(), token);
  const bridge = createWebBridge({
    token,
    saveFile: saveBlob,
    onUnauthorized: () => {
      forgetToken(tokenStorage());
      useSessionStore.getState().disconnect('rejected');
    },
  });
  useSessionStore.getState().connect(bridge);
  return bridge;
}

/** Checks a pasted token against the host without keeping anything. */
export async function verifyToken(token: string): Promise<void> {
  const probe = createWebBridge({ token, events: false });
  try {
    await probe.call('app.info', {});
  } finally {
    probe.close();
  }
}
