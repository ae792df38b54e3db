import type { ChatMessage, ChatSendRequest, ChatSendResponse } from '../../../../shared/contract/index.js';
import { BridgeError, errorFromPayload, isBridgeError } from '../../bridge/errors.js';
import type { Bridge } from '../../bridge/types.js';
import { newId } from '../../db/ids.js';
import type { Conversation, ConversationTarget, Message, MessagePart } from '../../db/schema.js';
import { conversationStore, type MessagePatch } from '../conversations/store.js';
import { toChatTarget } from '../conversations/targets.js';
import { DEFAULT_TITLE, titleFromText } from '../conversations/titles.js';
import { buildHistory, orphanedStreams } from './history.js';
import { appendText, applyToolCall } from './parts.js';
import { canSkip, isRunning, patchFromError, patchFromResult, startTurn, sumUsage, type TurnEvent } from './stream-state.js';
import { liveTurn, useTurnStore } from './turn-store.js';

/** How often streamed text is shown (ms): often enough to read as it comes, rarely enough to keep long answers cheap to render. */
const UI_FLUSH_MS = 50;
/** How often streamed text is saved: a reload mid-answer keeps at most this much less. */
const DB_FLUSH_MS = 1000;

const LOCK_PREFIX = 'switchboard-turn:';

/** The part of the Web Locks API used here (typed locally: this module is also checked without the DOM library). */
interface Locks {
  request(name: string, callback: () => Promise<void>): Promise<void>;
  query(): Promise<{ held?: Array<{ name?: string }>; pending?: Array<{ name?: string }> }>;
}

function webLocks(): Locks | undefined {
  return (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
}

/** The chat.send request for a conversation and a history. */
export function chatRequest(conversation: Conversation, messages: ChatMessage[], streamId: string): ChatSendRequest {
  const params = cleanParams(conversation.params);
  const fallbacks = (conversation.fallbacks ?? []).flatMap((f) => toChatTarget(f) ?? []);
  const target = toChatTarget(conversation.target);
  return {
    sessionId: conversation.id,
    // Left out for "the agent's choice": the core applies the agent's model or power level.
    ...(target ? { target } : {}),
    ...(conversation.agentId ? { agentId: conversation.agentId } : {}),
    ...(conversation.agentId && !target && conversation.powerLevel ? { powerLevel: conversation.powerLevel } : {}),
    messages,
    ...(params ? { params } : {}),
    ...(fallbacks.length > 0 ? { fallbacks } : {}),
    stream: true,
    streamId,
    ...(conversation.agent.trim() ? { agent: conversation.agent.trim().slice(0, 200) } : {}),
  };
}

function cleanParams(p: Conversation['params']): ChatSendRequest['params'] | undefined {
  const out: NonNullable<ChatSendRequest['params']> = {};
  if (typeof p.temperature === 'number' && Number.isFinite(p.temperature)) out.temperature = p.temperature;
  if (typeof p.maxTokens === 'number' && Number.isFinite(p.maxTokens)) out.maxTokens = p.maxTokens;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Who is expected to answer, shown on the message while it streams; the answer replaces it. */
function expectedSnapshot(target: ConversationTarget): MessagePatch {
  if (target.kind !== 'key') return {};
  return { provider: target.provider, model: target.model, keyId: target.keyId, keyLabel: target.keyLabel };
}

/** Sends the user's message and streams the answer into a new assistant message. */
export async function sendUserMessage(bridge: Bridge, conversation: Conversation, text: string): Promise<void> {
  if (isRunning(liveTurn(conversation.id))) return;
  const store = conversationStore();
  const before = await store.messages(conversation.id);
  const user = await store.addMessage(conversation.id, { role: 'user', content: text });
  if (conversation.title === DEFAULT_TITLE && !before.some((m) => m.role === 'user')) {
    await store.update(conversation.id, { title: titleFromText(text) }).catch(() => undefined);
  }
  const history = buildHistory([...before, user]);
  const messageId = newId();
  const streamId = newId();
  // Registered before the message exists, so nothing mistakes it for an answer left over from a closed page.
  useTurnStore.getState().begin(startTurn(conversation.id, messageId, streamId, Date.now()));
  try {
    await store.addMessage(conversation.id, {
      id: messageId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      streamId,
      createdAt: Math.max(Date.now(), user.createdAt + 1),
      ...expectedSnapshot(conversation.target),
    });
  } catch (err) {
    useTurnStore.getState().forget(conversation.id, streamId);
    throw err;
  }
  await runTurn(bridge, conversation, messageId, streamId, history);
}

/** Retry of a failed turn, or a new answer in place of the last one: the history before the message, sent again. */
export async function rerunAnswer(bridge: Bridge, conversation: Conversation, messageId: string): Promise<void> {
  if (isRunning(liveTurn(conversation.id))) return;
  const store = conversationStore();
  const messages = await store.messages(conversation.id);
  if (!messages.some((m) => m.id === messageId && m.role === 'assistant')) return;
  const history = buildHistory(messages, messageId);
  if (history.length === 0) return;
  const streamId = newId();
  useTurnStore.getState().begin(startTurn(conversation.id, messageId, streamId, Date.now()));
  const ok = await store.resetMessage(messageId, { role: 'assistant', status: 'streaming', streamId, ...expectedSnapshot(conversation.target) });
  if (!ok) {
    useTurnStore.getState().forget(conversation.id, streamId);
    return;
  }
  await runTurn(bridge, conversation, messageId, streamId, history);
}

type Outcome = { ok: true; result: ChatSendResponse } | { ok: false; error: unknown };

async function runTurn(bridge: Bridge, conversation: Conversation, messageId: string, streamId: string, history: ChatMessage[]): Promise<void> {
  const store = conversationStore();
  const turns = useTurnStore.getState();
  let settled = false;
  let streamed = '';
  let streamedParts: MessagePart[] = [];

  // Shown in batches, saved in bigger ones; saves run one after another so none overtakes the final write.
  let uiPending: TurnEvent[] = [];
  let uiTimer: ReturnType<typeof setTimeout> | null = null;
  const flushUi = () => {
    uiTimer = null;
    if (uiPending.length === 0) return;
    const batch = uiPending;
    uiPending = [];
    turns.apply(conversation.id, streamId, batch);
  };
  const pushUi = (event: TurnEvent) => {
    uiPending.push(event);
    uiTimer ??= setTimeout(flushUi, UI_FLUSH_MS);
  };
  let dbPending = '';
  let dbTimer: ReturnType<typeof setTimeout> | null = null;
  let dbChain: Promise<unknown> = Promise.resolve();
  let messageGone = false;
  const flushDb = () => {
    dbTimer = null;
    if (dbPending === '') return;
    const text = dbPending;
    dbPending = '';
    dbChain = dbChain.then(async () => {
      const ok = await store.appendToMessage(messageId, text).catch(() => true);
      // The conversation was deleted while it streamed: stop paying for an answer nobody will see.
      if (!ok && !messageGone) {
        messageGone = true;
        void bridge.call('chat.cancel', { streamId }).catch(() => undefined);
      }
    });
  };

  let resolveEvent: (o: Outcome) => void = () => undefined;
  const fromEvents = new Promise<Outcome>((resolve) => (resolveEvent = resolve));
  const offs = [
    bridge.onEvent('chat.delta', (p) => {
      if (p.streamId !== streamId || settled) return;
      streamed += p.text;
      streamedParts = appendText(streamedParts, p.text);
      pushUi({ type: 'delta', text: p.text });
      dbPending += p.text;
      dbTimer ??= setTimeout(flushDb, DB_FLUSH_MS);
    }),
    bridge.onEvent('chat.tool', (p) => {
      if (p.streamId !== streamId || settled) return;
      streamedParts = applyToolCall(streamedParts, p.call);
      // Shown at once: a call waiting for approval must not wait for the next batch.
      pushUi({ type: 'tool', call: p.call });
      flushUi();
    }),
    bridge.onEvent('chat.attempt', (p) => {
      if (p.streamId !== streamId || settled) return;
      pushUi({ type: 'attempt', attempt: p.attempt });
    }),
    bridge.onEvent('chat.waiting', (p) => {
      if (p.streamId !== streamId || settled) return;
      pushUi({ type: 'waiting', event: p, at: Date.now() });
    }),
    // The answer and its events race; whichever arrives first settles the turn (they carry the same result).
    bridge.onEvent('chat.done', (p) => {
      if (p.streamId === streamId) resolveEvent({ ok: true, result: p.result });
    }),
    bridge.onEvent('chat.error', (p) => {
      if (p.streamId !== streamId) return;
      const err = errorFromPayload(p.error);
      resolveEvent({ ok: false, error: new BridgeError(err.code, err.message, { ...err.details, partialText: p.partialText }) });
    }),
  ];

  const run = async (): Promise<void> => {
    // Ledger rows of this turn are the session's rows admitted from now on (one turn per conversation
    // at a time; the core stamps admission with the same wall clock, after the request arrives).
    const startedAt = Date.now();
    const call = bridge.call('chat.send', chatRequest(conversation, history, streamId)).then(
      (result): Outcome => ({ ok: true, result }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    const outcome = await Promise.race([call, fromEvents]);
    settled = true;
    offs.forEach((off) => off());
    if (uiTimer) clearTimeout(uiTimer);
    flushUi();
    if (dbTimer) clearTimeout(dbTimer);
    dbPending = '';
    await dbChain;

    let patch: MessagePatch;
    if (outcome.ok) {
      patch = patchFromResult(outcome.result, await keyLabelFor(bridge, conversation.target, outcome.result.keyId));
    } else {
      patch = { ...patchFromError(outcome.error, streamed, streamedParts), ...(await usedSoFar(bridge, conversation.id, startedAt)) };
      if (isBridgeError(outcome.error) && outcome.error.code === 'SESSION_ENDED') {
        const d = outcome.error.details;
        const reason = typeof d?.reason === 'string' && d.reason ? d.reason : outcome.error.message;
        await store
          .update(conversation.id, { ended: { reason, ...(typeof d?.keyId === 'string' ? { keyId: d.keyId } : {}), at: Date.now() } })
          .catch(() => undefined);
      }
    }
    await store.updateMessage(messageId, patch).catch(() => false);
    turns.apply(conversation.id, streamId, [{ type: 'settled', text: patch.content ?? streamed, ...(patch.parts ? { parts: patch.parts } : {}) }]);
  };

  // A lock other tabs can see: a message streaming in another tab is not an orphan.
  const locks = webLocks();
  if (locks) await locks.request(LOCK_PREFIX + messageId, run);
  else await run();
}

/** What a turn that did not answer was still charged for, from the ledger (empty when nothing, or when it cannot be read). */
async function usedSoFar(bridge: Bridge, sessionId: string, from: number): Promise<MessagePatch> {
  try {
    const { records } = await bridge.call('usage.records', { sessionId, from, limit: 100 });
    const sum = sumUsage(records.filter((r) => r.time >= from));
    return sum ? { usage: sum.usage, costUsd: sum.costUsd } : {};
  } catch {
    return {};
  }
}

async function keyLabelFor(bridge: Bridge, target: ConversationTarget, keyId: string | undefined): Promise<string | undefined> {
  if (keyId === undefined) return undefined;
  if (target.kind === 'key' && target.keyId === keyId) return target.keyLabel;
  try {
    const { keys } = await bridge.call('keys.list', {});
    return keys.find((k) => k.id === keyId)?.label;
  } catch {
    return undefined;
  }
}

/**
 * Gives up waiting for the model the turn is waiting on: the core aborts that request only and goes
 * on with the next model of the chain. Nothing happens when text already flows or nothing comes next.
 */
export async function skipModel(bridge: Bridge, conversationId: string): Promise<void> {
  const turn = liveTurn(conversationId);
  if (!turn || !canSkip(turn)) return;
  const turns = useTurnStore.getState();
  turns.apply(conversationId, turn.streamId, [{ type: 'skipping', on: true }]);
  let skipped = false;
  try {
    skipped = (await bridge.call('chat.skip', { streamId: turn.streamId })).skipped;
  } catch {
    /* the turn goes on as it was */
  }
  // Refused (the answer started meanwhile): the button comes back while it still applies.
  if (!skipped) turns.apply(conversationId, turn.streamId, [{ type: 'skipping', on: false }]);
}

/** Stops the conversation's running turn. The partial answer stays, marked stopped. */
export async function stopTurn(bridge: Bridge, conversationId: string): Promise<void> {
  const turn = liveTurn(conversationId);
  if (!turn || !isRunning(turn)) return;
  useTurnStore.getState().apply(conversationId, turn.streamId, [{ type: 'stopping' }]);
  // The request may not have reached the core yet (nothing to cancel): ask again until the turn ends.
  for (let i = 0; i < 40; i++) {
    try {
      const res = await bridge.call('chat.cancel', { streamId: turn.streamId, sessionId: conversationId });
      if (res.cancelled > 0) return;
    } catch {
      /* the answer settles the turn either way */
    }
    await new Promise((r) => setTimeout(r, 250));
    const now = liveTurn(conversationId);
    if (!now || now.streamId !== turn.streamId || !isRunning(now)) return;
  }
}

/**
 * Answers left "streaming" by a page that was closed or reloaded mid-answer: the core is asked to
 * stop them and they are marked interrupted, with what was saved kept.
 */
export async function settleOrphans(bridge: Bridge, conversationId: string, messages: readonly Message[]): Promise<void> {
  const live = liveTurn(conversationId);
  const candidates = orphanedStreams(messages, live && isRunning(live) ? live.messageId : null);
  if (candidates.length === 0) return;
  let held = new Set<string>();
  const locks = webLocks();
  if (locks) {
    try {
      const state = await locks.query();
      held = new Set([...(state.held ?? []), ...(state.pending ?? [])].map((l) => l.name ?? ''));
    } catch {
      /* no lock information: treat every candidate as orphaned */
    }
  }
  for (const m of candidates) {
    if (held.has(LOCK_PREFIX + m.id)) continue;
    if (m.streamId) void bridge.call('chat.cancel', { streamId: m.streamId }).catch(() => undefined);
    await conversationStore()
      .updateMessage(m.id, {
        status: 'error',
        streamId: undefined,
        error: {
          code: 'STREAM_INTERRUPTED',
          message: 'This answer was cut off: Switchboard was closed or reloaded while it was being written.',
          hint: 'Retry to get a complete answer.',
        },
      })
      .catch(() => false);
  }
}
