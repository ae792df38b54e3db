// The app's Dexie database opens on the global IndexedDB: a fake one, installed before anything imports Dexie.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatSendRequest, ChatSendResponse, EventName, EventPayload, MethodName, UsageRecord } from '../../../shared/contract/index.js';
import { BridgeError } from '../../../renderer/src/bridge/errors.js';
import { EventHub } from '../../../renderer/src/bridge/event-hub.js';
import type { Bridge, EventHandler } from '../../../renderer/src/bridge/types.js';
import type { Conversation } from '../../../renderer/src/db/schema.js';
import { conversationStore } from '../../../renderer/src/features/conversations/store.js';
import { keyTarget } from '../../../renderer/src/features/conversations/targets.js';
import { chatRequest, rerunAnswer, sendUserMessage, settleOrphans, stopTurn } from '../../../renderer/src/features/chat/turn-runner.js';
import { liveTurn, useTurnStore } from '../../../renderer/src/features/chat/turn-store.js';

type Handler = (req: never) => unknown;

/** A bridge whose methods are scripted per test and whose events the test emits. */
class FakeBridge implements Bridge {
  readonly transport = 'web' as const;
  readonly hub = new EventHub('open');
  readonly calls: Array<{ method: MethodName; request: unknown }> = [];
  readonly handlers = new Map<MethodName, Handler>();

  on<M extends MethodName>(method: M, handler: (req: never) => unknown): this {
    this.handlers.set(method, handler);
    return this;
  }
  async call(method: MethodName, request: unknown): Promise<never> {
    this.calls.push({ method, request });
    const h = this.handlers.get(method);
    if (!h) throw new BridgeError('NOT_FOUND', `no fake for ${method}`);
    return (await h(request as never)) as never;
  }
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.hub.emit({ name, payload } as never);
  }
  onEvent<E extends EventName>(name: E, handler: EventHandler<E>): () => void {
    return this.hub.on(name, handler);
  }
  connectionState() {
    return 'open' as const;
  }
  onConnectionChange() {
    return () => undefined;
  }
  close() {}
  sent(): ChatSendRequest[] {
    return this.calls.filter((c) => c.method === 'chat.send').map((c) => c.request as ChatSendRequest);
  }
}

const usage = { inputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 0, estimated: false };

function result(text: string, over: Partial<ChatSendResponse> = {}): ChatSendResponse {
  return {
    text,
    usage,
    costUsd: 0.00001,
    provider: 'openai',
    model: 'gpt-4o-mini',
    keyId: 'k1',
    source: 'user',
    attempts: [{ provider: 'openai', model: 'gpt-4o-mini', keyId: 'k1', status: 'ok', chainIndex: 0, attempt: 1, kind: 'first' }],
    latencyMs: 50,
    ttftMs: 10,
    ...over,
  };
}

function record(over: Partial<UsageRecord>): UsageRecord {
  return { time: Date.now(), usage: { ...usage, estimated: true }, costUsd: 0.000004, ...over } as UsageRecord;
}

const store = conversationStore();
let conversation: Conversation;

beforeEach(async () => {
  await Promise.all([store.db.conversations.clear(), store.db.messages.clear(), store.db.drafts.clear()]);
  useTurnStore.setState({ turns: {} });
  conversation = await store.create({
    agent: 'research',
    target: keyTarget({ id: 'k1', provider: 'openai', label: 'Work' }, 'gpt-4o-mini', { name: 'GPT-4o mini' }),
    fallbacks: [{ kind: 'system' }],
    params: { temperature: 0.2 },
  });
});

/** Resolves the next chat.send once the test says so; emits what the test asks meanwhile. */
function pendingSend(bridge: FakeBridge) {
  let resolve: (r: ChatSendResponse) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  let request: ChatSendRequest | null = null;
  const arrived = new Promise<void>((ok) => {
    bridge.on('chat.send', (req: ChatSendRequest) => {
      request = req;
      ok();
      return new Promise<ChatSendResponse>((res, rej) => {
        resolve = res;
        reject = rej;
      });
    });
  });
  return {
    arrived,
    get request() {
      return request!;
    },
    resolve: (r: ChatSendResponse) => resolve(r),
    reject: (e: unknown) => reject(e),
    delta: (text: string) => bridge.emit('chat.delta', { streamId: request!.streamId!, sessionId: conversation.id, text }),
  };
}

describe('chat.send request', () => {
  it('carries the conversation’s target, fallbacks, params, agent and a stream id', () => {
    const req = chatRequest(conversation, [{ role: 'user', content: 'hi' }], 'stream-1');
    expect(req).toEqual({
      sessionId: conversation.id,
      target: { keyId: 'k1', model: 'gpt-4o-mini' },
      messages: [{ role: 'user', content: 'hi' }],
      params: { temperature: 0.2 },
      fallbacks: [{ system: true }],
      stream: true,
      streamId: 'stream-1',
      agent: 'research',
    });
  });
});

describe('a turn', () => {
  it('streams into a new assistant message, and the answer settles it with who answered and what it cost', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    const done = sendUserMessage(bridge, conversation, 'How are you?');
    await send.arrived;
    const streamId = send.request.streamId!;
    expect(send.request).toMatchObject({ stream: true, messages: [{ role: 'user', content: 'How are you?' }] });
    expect(liveTurn(conversation.id)?.streamId).toBe(streamId);

    send.delta('Fine, ');
    bridge.emit('chat.delta', { streamId: 'someone-else', sessionId: 'x', text: 'NOT MINE' });
    send.delta('thanks');
    await vi.waitFor(() => expect(liveTurn(conversation.id)?.text).toBe('Fine, thanks'));
    const streaming = (await store.messages(conversation.id))[1]!;
    expect(streaming).toMatchObject({ role: 'assistant', status: 'streaming', streamId, provider: 'openai', model: 'gpt-4o-mini', keyLabel: 'Work' });

    send.resolve(result('Fine, thanks!'));
    await done;
    // Late deltas after the answer change nothing.
    send.delta(' LATE');
    const [user, answer] = await store.messages(conversation.id);
    expect(user).toMatchObject({ role: 'user', content: 'How are you?', status: 'done' });
    expect(answer).toMatchObject({ content: 'Fine, thanks!', status: 'done', usage, costUsd: 0.00001, keyId: 'k1', keyLabel: 'Work', latencyMs: 50 });
    expect(answer!.streamId).toBeUndefined();
    expect(liveTurn(conversation.id)).toMatchObject({ phase: 'done', text: 'Fine, thanks!' });
    // The first message names the conversation.
    expect((await store.get(conversation.id))?.title).toBe('How are you?');
  });

  it('settles from chat.done when that event comes before the answer', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    const done = sendUserMessage(bridge, conversation, 'Q');
    await send.arrived;
    bridge.emit('chat.done', { streamId: send.request.streamId!, sessionId: conversation.id, result: result('From the event') });
    await done;
    expect((await store.messages(conversation.id))[1]).toMatchObject({ content: 'From the event', status: 'done' });
  });

  it('labels the key that answered when another key or a fallback did', async () => {
    const bridge = new FakeBridge().on('keys.list', () => ({ keys: [{ id: 'k2', provider: 'openai', label: 'Backup', last4: 'abcd', status: 'ok', source: 'user', readOnly: false }] }));
    const send = pendingSend(bridge);
    const done = sendUserMessage(bridge, conversation, 'Q');
    await send.arrived;
    send.resolve(result('ok', { keyId: 'k2', fallbackNote: 'Answered with another OpenAI key ("Backup").' }));
    await done;
    expect((await store.messages(conversation.id))[1]).toMatchObject({ keyId: 'k2', keyLabel: 'Backup', fallbackNote: 'Answered with another OpenAI key ("Backup").' });
  });

  it('Stop cancels by stream id; the partial text stays, marked cancelled, with what it still used', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    bridge.on('chat.cancel', () => {
      send.reject(new BridgeError('CANCELLED', 'The turn was cancelled.', { partialText: 'Once upon', attempts: [] }));
      return { cancelled: 1 };
    });
    bridge.on('usage.records', () => ({ records: [record({ status: 'cancelled' })], nextCursor: null }));
    const done = sendUserMessage(bridge, conversation, 'Tell a story');
    await send.arrived;
    send.delta('Once upon');
    await stopTurn(bridge, conversation.id);
    await done;
    const cancel = bridge.calls.find((c) => c.method === 'chat.cancel');
    expect(cancel?.request).toEqual({ streamId: send.request.streamId, sessionId: conversation.id });
    const answer = (await store.messages(conversation.id))[1]!;
    expect(answer).toMatchObject({ status: 'cancelled', content: 'Once upon', usage: { inputTokens: 12, outputTokens: 7, estimated: true }, costUsd: 0.000004 });
    expect(answer.error).toBeUndefined();
  });

  it('Stop asks again while the request has not reached the core yet', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    let asked = 0;
    bridge.on('chat.cancel', () => {
      asked++;
      if (asked < 3) return { cancelled: 0 };
      send.reject(new BridgeError('CANCELLED', 'The turn was cancelled.', { partialText: '' }));
      return { cancelled: 1 };
    });
    bridge.on('usage.records', () => ({ records: [], nextCursor: null }));
    const done = sendUserMessage(bridge, conversation, 'Q');
    await send.arrived;
    await stopTurn(bridge, conversation.id);
    await done;
    expect(asked).toBe(3);
    expect((await store.messages(conversation.id))[1]).toMatchObject({ status: 'cancelled', content: '' });
  });

  it('a failure reported by chat.error settles the turn with its message and hint, and Retry answers in the same place', async () => {
    const bridge = new FakeBridge();
    let send = pendingSend(bridge);
    bridge.on('usage.records', () => ({ records: [], nextCursor: null }));
    const done = sendUserMessage(bridge, conversation, 'Q1');
    await send.arrived;
    bridge.emit('chat.error', {
      streamId: send.request.streamId!,
      sessionId: conversation.id,
      error: { code: 'QUOTA_EXHAUSTED', message: 'OpenAI says the account has no credit.', details: { hint: 'Add credit.' } },
      partialText: '',
    });
    await done;
    const failed = (await store.messages(conversation.id))[1]!;
    expect(failed).toMatchObject({ status: 'error', content: '', error: { code: 'QUOTA_EXHAUSTED', message: 'OpenAI says the account has no credit.', hint: 'Add credit.' } });

    send = pendingSend(bridge);
    const retry = rerunAnswer(bridge, conversation, failed.id);
    await send.arrived;
    // The failed answer is not part of what is sent again.
    expect(send.request.messages).toEqual([{ role: 'user', content: 'Q1' }]);
    send.resolve(result('Now it works'));
    await retry;
    const messages = await store.messages(conversation.id);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({ id: failed.id, status: 'done', content: 'Now it works', createdAt: failed.createdAt });
    expect(messages[1]!.error).toBeUndefined();
  });

  it('regenerate sends the history before the last answer and replaces it', async () => {
    const bridge = new FakeBridge();
    let send = pendingSend(bridge);
    const first = sendUserMessage(bridge, conversation, 'Q1');
    await send.arrived;
    send.resolve(result('A1'));
    await first;
    send = pendingSend(bridge);
    const second = sendUserMessage(bridge, conversation, 'Q2');
    await send.arrived;
    expect(send.request.messages).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ]);
    send.resolve(result('A2'));
    await second;
    const last = (await store.messages(conversation.id))[3]!;
    send = pendingSend(bridge);
    const again = rerunAnswer(bridge, conversation, last.id);
    await send.arrived;
    expect(send.request.messages.map((m) => m.content)).toEqual(['Q1', 'A1', 'Q2']);
    send.resolve(result('A2, take two'));
    await again;
    expect((await store.messages(conversation.id)).map((m) => m.content)).toEqual(['Q1', 'A1', 'Q2', 'A2, take two']);
  });

  it('one turn at a time per conversation', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    const first = sendUserMessage(bridge, conversation, 'Q1');
    await send.arrived;
    await sendUserMessage(bridge, conversation, 'Q2 while busy');
    expect(bridge.sent()).toHaveLength(1);
    send.resolve(result('A1'));
    await first;
    expect((await store.messages(conversation.id)).map((m) => m.content)).toEqual(['Q1', 'A1']);
  });

  it('an ended session is recorded on the conversation so its banner survives a reload', async () => {
    const bridge = new FakeBridge();
    bridge.on('chat.send', () => {
      throw new BridgeError('SESSION_ENDED', 'This conversation ended: the key "Work" was deleted.', { reason: 'The key "Work" was deleted.', keyId: 'k1' });
    });
    bridge.on('usage.records', () => ({ records: [], nextCursor: null }));
    await sendUserMessage(bridge, conversation, 'Q');
    expect((await store.get(conversation.id))?.ended).toMatchObject({ reason: 'The key "Work" was deleted.', keyId: 'k1' });
    expect((await store.messages(conversation.id))[1]).toMatchObject({ status: 'error', error: { code: 'SESSION_ENDED' } });
    // Picking another model clears it.
    await store.update(conversation.id, { ended: undefined });
    expect((await store.get(conversation.id))?.ended).toBeUndefined();
  });

  it('deleting the conversation while it streams cancels the turn', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    bridge.on('chat.cancel', () => {
      send.reject(new BridgeError('CANCELLED', 'The turn was cancelled.'));
      return { cancelled: 1 };
    });
    bridge.on('usage.records', () => ({ records: [], nextCursor: null }));
    const done = sendUserMessage(bridge, conversation, 'Q');
    await send.arrived;
    await store.remove(conversation.id);
    send.delta('text for nobody');
    await vi.waitFor(() => expect(bridge.calls.some((c) => c.method === 'chat.cancel')).toBe(true), { timeout: 5000 });
    await done;
  });
});

describe('answers left streaming by a closed page', () => {
  it('are marked interrupted, keep their saved text, and are stopped in the core', async () => {
    const bridge = new FakeBridge().on('chat.cancel', () => ({ cancelled: 0 }));
    await store.addMessage(conversation.id, { role: 'user', content: 'Q' });
    const orphan = await store.addMessage(conversation.id, { role: 'assistant', content: 'Half', status: 'streaming', streamId: 'old-stream' });
    await settleOrphans(bridge, conversation.id, await store.messages(conversation.id));
    const after = (await store.messages(conversation.id)).find((m) => m.id === orphan.id)!;
    expect(after).toMatchObject({ status: 'error', content: 'Half', error: { code: 'STREAM_INTERRUPTED' } });
    expect(after.streamId).toBeUndefined();
    expect(bridge.calls.find((c) => c.method === 'chat.cancel')?.request).toEqual({ streamId: 'old-stream' });
  });

  it('leave the answer this page is writing alone', async () => {
    const bridge = new FakeBridge();
    const send = pendingSend(bridge);
    const done = sendUserMessage(bridge, conversation, 'Q');
    await send.arrived;
    await settleOrphans(bridge, conversation.id, await store.messages(conversation.id));
    expect((await store.messages(conversation.id))[1]?.status).toBe('streaming');
    send.resolve(result('A'));
    await done;
  });
});
