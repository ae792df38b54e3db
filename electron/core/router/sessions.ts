import { AppError, type ChatTarget, type ProviderId, type SessionInfo } from '../../../shared/contract/index.js';
import type { SessionEnder } from '../ports.js';

/** A turn in progress, as the session registry sees it: something it can stop. */
export interface RunningTurn {
  readonly streamId: string;
  abort(reason: AppError): void;
}

interface SessionState {
  info: SessionInfo;
  /** Keys this conversation uses: its target's and fallbacks' keys and every key a turn resolved. */
  keyIds: Set<string>;
  turns: Set<RunningTurn>;
  lastActive: number;
  /** The key whose deletion ended it. */
  endedKeyId?: string;
}

export interface SessionEvents {
  ended(payload: { sessionId: string; reason: string; keyId?: string }): void;
}

export interface OpenSession {
  sessionId: string;
  target: ChatTarget;
  fallbacks?: ChatTarget[];
  agent?: string;
}

function targetKey(t: ChatTarget): string {
  if ('system' in t) return 'system';
  if ('keyId' in t) return `key\u0000${t.keyId}\u0000${t.model}`;
  return `provider\u0000${t.provider}\u0000${t.model}`;
}

export function sameTarget(a: ChatTarget, b: ChatTarget): boolean {
  return targetKey(a) === targetKey(b);
}

/**
 * The active conversations and the keys they use, so that deleting a key ends them (SessionEnder)
 * and a conversation keeps the model it was opened with. Bounded: the oldest idle sessions are
 * forgotten first.
 */
export class SessionRegistry implements SessionEnder {
  private readonly sessions = new Map<string, SessionState>();

  constructor(
    private readonly events: SessionEvents,
    private readonly now: () => number = Date.now,
    private readonly maxSessions = 1000,
  ) {}

  /** sessions.open: records the conversation's model; reopening an ended one with a new model starts it afresh. */
  open(req: OpenSession): SessionInfo {
    const existing = this.sessions.get(req.sessionId);
    if (existing && existing.info.endedAt === undefined) {
      existing.info = { ...existing.info, target: req.target, fallbacks: req.fallbacks ?? [], ...(req.agent ? { agent: req.agent } : {}) };
      existing.info.provider = providerOf(req.target);
      existing.info.model = modelOf(req.target);
      if ('keyId' in req.target) existing.info.keyId = req.target.keyId;
      else delete existing.info.keyId;
      // Keys of the model it used before no longer tie the conversation.
      existing.keyIds = new Set();
      this.addTargetKeys(existing, req);
      existing.lastActive = this.now();
      return { ...existing.info };
    }
    const state: SessionState = {
      info: {
        sessionId: req.sessionId,
        target: req.target,
        provider: providerOf(req.target),
        model: modelOf(req.target),
        ...('keyId' in req.target ? { keyId: req.target.keyId } : {}),
        fallbacks: req.fallbacks ?? [],
        ...(req.agent ? { agent: req.agent } : {}),
        openedAt: this.now(),
      },
      keyIds: new Set(),
      turns: existing?.turns ?? new Set(),
      lastActive: this.now(),
    };
    this.addTargetKeys(state, req);
    this.sessions.delete(req.sessionId);
    this.sessions.set(req.sessionId, state);
    this.evict();
    return { ...state.info };
  }

  /**
   * chat.send registers its session implicitly. A session ended because its key was deleted keeps
   * refusing the model it was opened with (SESSION_ENDED, with a hint); a different model reopens it.
   */
  prepareTurn(req: OpenSession): SessionInfo {
    const s = this.sessions.get(req.sessionId);
    if (s && s.info.endedAt !== undefined) {
      const usesEndedKey =
        s.endedKeyId !== undefined &&
        [req.target, ...(req.fallbacks ?? [])].some((t) => 'keyId' in t && t.keyId === s.endedKeyId);
      if (sameTarget(s.info.target, req.target) || usesEndedKey) {
        throw new AppError('SESSION_ENDED', `This conversation ended: ${sentence(s.info.endedReason ?? 'its key is no longer available')}`, {
          sessionId: req.sessionId,
          reason: s.info.endedReason ?? null,
          ...(s.endedKeyId ? { keyId: s.endedKeyId } : {}),
          hint: 'Pick another model for this conversation (or add a key for this provider in Settings), then send again.',
        });
      }
      return this.open(req);
    }
    // A new model chosen for a running conversation is recorded as its model from now on.
    if (!s || !sameTarget(s.info.target, req.target)) return this.open(req);
    s.lastActive = this.now();
    this.addTargetKeys(s, req);
    return { ...s.info };
  }

  /** A turn of the session resolved and used this key (e.g. the first key of a {provider, model} target). */
  noteKey(sessionId: string, keyId: string, provider?: ProviderId): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    s.keyIds.add(keyId);
    if (provider && s.info.provider === null) s.info.provider = provider;
  }

  beginTurn(sessionId: string, turn: RunningTurn): void {
    const s = this.sessions.get(sessionId);
    if (s) s.turns.add(turn);
  }

  endTurn(sessionId: string, turn: RunningTurn): void {
    this.sessions.get(sessionId)?.turns.delete(turn);
  }

  /** Turns of a session still running (chat.cancel by sessionId). */
  runningTurns(sessionId: string): RunningTurn[] {
    return [...(this.sessions.get(sessionId)?.turns ?? [])];
  }

  close(sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    if (!s) return false;
    for (const t of s.turns) t.abort(new AppError('CANCELLED', 'The conversation was closed.'));
    this.sessions.delete(sessionId);
    return true;
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({ ...s.info }));
  }

  get(sessionId: string): SessionInfo | null {
    const s = this.sessions.get(sessionId);
    return s ? { ...s.info } : null;
  }

  endSessionsUsingKey(keyId: string, reason: string): number {
    let ended = 0;
    const at = this.now();
    for (const s of this.sessions.values()) {
      if (s.info.endedAt !== undefined || !s.keyIds.has(keyId)) continue;
      s.info.endedAt = at;
      s.info.endedReason = reason;
      s.endedKeyId = keyId;
      for (const t of s.turns) {
        t.abort(new AppError('SESSION_ENDED', `The conversation ended: ${sentence(reason)}`, { keyId, hint: 'Pick another model for this conversation.' }));
      }
      this.events.ended({ sessionId: s.info.sessionId, reason, keyId });
      ended++;
    }
    return ended;
  }

  private addTargetKeys(s: SessionState, req: OpenSession): void {
    for (const t of [req.target, ...(req.fallbacks ?? [])]) if ('keyId' in t) s.keyIds.add(t.keyId);
  }

  private evict(): void {
    if (this.sessions.size <= this.maxSessions) return;
    // Map iteration order is insertion order: oldest first. Never forget a session with a running turn.
    for (const [id, s] of this.sessions) {
      if (this.sessions.size <= this.maxSessions) break;
      if (s.turns.size === 0) this.sessions.delete(id);
    }
  }
}

function providerOf(t: ChatTarget): ProviderId | null {
  return 'provider' in t ? t.provider : null;
}

function modelOf(t: ChatTarget): string | null {
  return 'model' in t ? t.model : null;
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
