import { create } from 'zustand';
import type { Bridge } from '../bridge/types.js';

export type SessionStatus =
  | { kind: 'connected'; bridge: Bridge }
  /** Web only: no token yet, or the host refused it (401). */
  | { kind: 'needs-token'; reason: 'missing' | 'rejected' };

interface SessionState {
  status: SessionStatus;
  connect(bridge: Bridge): void;
  disconnect(reason: 'missing' | 'rejected'): void;
}

/** Which bridge the app uses, and whether the web host still accepts us. */
export const useSessionStore = create<SessionState>((set, get) => ({
  status: { kind: 'needs-token', reason: 'missing' },
  connect: (bridge) => {
    const prev = get().status;
    if (prev.kind === 'connected' && prev.bridge !== bridge) prev.bridge.close();
    set({ status: { kind: 'connected', bridge } });
  },
  disconnect: (reason) => {
    const prev = get().status;
    if (prev.kind === 'connected') prev.bridge.close();
    set({ status: { kind: 'needs-token', reason } });
  },
}));
