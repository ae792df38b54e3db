import { AppError } from '../../../shared/contract/index.js';

export type ApprovalDecision = { approve: true; forSession: boolean } | { approve: false; reason: 'denied' | 'timeout' | 'cancelled' };

interface Pending {
  sessionId: string;
  toolId: string;
  resolve(d: ApprovalDecision): void;
}

/** How long a tool call waits for the user before it is treated as denied. */
export const APPROVAL_TIMEOUT_MS = 10 * 60_000;

/**
 * Tool calls waiting for the user (chat.approveTool) and the tools a conversation allowed for the
 * rest of the session. A wait ends with the user's answer, the turn's cancel, or after
 * APPROVAL_TIMEOUT_MS as a denial, so no turn waits forever.
 */
export class ApprovalBook {
  private readonly pending = new Map<string, Pending>();
  private readonly sessionAllowed = new Map<string, Set<string>>();

  constructor(private readonly timeoutMs = APPROVAL_TIMEOUT_MS) {}

  isAllowedForSession(sessionId: string, toolId: string): boolean {
    return this.sessionAllowed.get(sessionId)?.has(toolId) ?? false;
  }

  allowForSession(sessionId: string, toolId: string): void {
    let set = this.sessionAllowed.get(sessionId);
    if (!set) {
      set = new Set();
      this.sessionAllowed.set(sessionId, set);
      // Bounded: the oldest conversation's allowances go first.
      if (this.sessionAllowed.size > 1000) this.sessionAllowed.delete(this.sessionAllowed.keys().next().value!);
    }
    set.add(toolId);
  }

  /** Waits for the user's answer to one call. */
  wait(streamId: string, callId: string, sessionId: string, toolId: string, signal: AbortSignal): Promise<ApprovalDecision> {
    const key = `${streamId}\u0000${callId}`;
    if (this.pending.has(key)) throw new AppError('CONFLICT', 'This tool call is already waiting for approval.');
    return new Promise<ApprovalDecision>((resolve) => {
      const done = (d: ApprovalDecision) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(key);
        resolve(d);
      };
      const onAbort = () => done({ approve: false, reason: 'cancelled' });
      const timer = setTimeout(() => done({ approve: false, reason: 'timeout' }), this.timeoutMs);
      timer.unref?.();
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(key, { sessionId, toolId, resolve: done });
    });
  }

  /** chat.approveTool: false when the call is not waiting (answered already, or its turn ended). */
  answer(streamId: string, callId: string, approve: boolean, forSession: boolean): boolean {
    const p = this.pending.get(`${streamId}\u0000${callId}`);
    if (!p) return false;
    if (approve && forSession) this.allowForSession(p.sessionId, p.toolId);
    p.resolve(approve ? { approve: true, forSession } : { approve: false, reason: 'denied' });
    return true;
  }

  /** A conversation deleted or its key revoked: its allowances go with it. */
  forgetSession(sessionId: string): void {
    this.sessionAllowed.delete(sessionId);
  }
}
