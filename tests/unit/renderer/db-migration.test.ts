import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { SwitchboardDb } from '../../../renderer/src/db/db.js';
import { buildHistory } from '../../../renderer/src/features/chat/history.js';
import { applyToolCall, appendText, historyOfAnswer, partsFrom, textOfParts } from '../../../renderer/src/features/chat/parts.js';
import type { ToolCallInfo } from '../../../shared/contract/index.js';

// A database written by the previous release (schema version 1: messages without parts), opened by
// this one: every conversation, message and draft is kept, and each message gets its text as a part.

describe('Dexie schema 2', () => {
  it('upgrades a version-1 database and keeps every conversation, message and draft', async () => {
    const indexedDB = new IDBFactory();
    const old = new Dexie('switchboard', { indexedDB, IDBKeyRange });
    old.version(1).stores({ conversations: 'id, updatedAt, createdAt', messages: 'id, conversationId, [conversationId+createdAt], status', drafts: 'conversationId' });
    await old.open();
    await old.table('conversations').bulkAdd([
      { id: 'c1', title: 'Trip', agent: 'chat', target: { kind: 'system' }, params: {}, createdAt: 1, updatedAt: 5 },
      { id: 'c2', title: 'Code', agent: 'review', target: { kind: 'key', keyId: 'k', provider: 'openai', model: 'gpt-4o', providerName: 'OpenAI', keyLabel: 'Work' }, params: { temperature: 0.2 }, createdAt: 2, updatedAt: 6 },
    ]);
    await old.table('messages').bulkAdd([
      { id: 'm1', conversationId: 'c1', role: 'user', content: 'Plan a trip', createdAt: 10, status: 'done' },
      { id: 'm2', conversationId: 'c1', role: 'assistant', content: 'Sure: day one…', createdAt: 11, status: 'done', model: 'gpt-4o', costUsd: 0.01 },
      { id: 'm3', conversationId: 'c2', role: 'assistant', content: '', createdAt: 12, status: 'error', error: { code: 'RATE_LIMITED', message: 'slow down' } },
    ]);
    await old.table('drafts').add({ conversationId: 'c2', text: 'half typed', updatedAt: 3 });
    old.close();

    const db = new SwitchboardDb('switchboard', { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(2);
    expect((await db.conversations.toArray()).map((c) => c.id).sort()).toEqual(['c1', 'c2']);
    const messages = (await db.messages.toArray()).sort((a, b) => a.createdAt - b.createdAt);
    expect(messages.map((m) => [m.id, m.content, m.parts])).toEqual([
      ['m1', 'Plan a trip', [{ type: 'text', text: 'Plan a trip' }]],
      ['m2', 'Sure: day one…', [{ type: 'text', text: 'Sure: day one…' }]],
      ['m3', '', []],
    ]);
    expect(messages[1]).toMatchObject({ model: 'gpt-4o', costUsd: 0.01 });
    expect(messages[2]).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(await db.drafts.get('c2')).toMatchObject({ text: 'half typed' });
    // The history sent to the model reads exactly as before.
    expect(buildHistory(messages.filter((m) => m.conversationId === 'c1'))).toEqual([
      { role: 'user', content: 'Plan a trip' },
      { role: 'assistant', content: 'Sure: day one…' },
    ]);
    db.close();
  });
});

describe('structured answers', () => {
  const call = (over: Partial<ToolCallInfo>): ToolCallInfo => ({ id: 'c1', toolId: 'builtin:calculator', name: 'calculator', status: 'running', step: 1, arguments: '{"expression":"6*7"}', argumentsBytes: 20, durationMs: 0, ...over });

  it('streamed text and tool calls build parts in order; a call’s result replaces its running state', () => {
    let parts = appendText([], "I'll use ");
    parts = appendText(parts, 'calculator.');
    parts = applyToolCall(parts, call({ status: 'awaiting-approval' }));
    parts = applyToolCall(parts, call({ status: 'running' }));
    parts = applyToolCall(parts, call({ status: 'ok', result: '6*7 = 42', durationMs: 3 }));
    parts = appendText(parts, 'It is 42.');
    expect(parts).toEqual([
      { type: 'text', text: "I'll use calculator." },
      { type: 'tool_call', id: 'c1', toolId: 'builtin:calculator', name: 'calculator', arguments: '{"expression":"6*7"}', step: 1 },
      { type: 'tool_result', callId: 'c1', status: 'ok', content: '6*7 = 42', durationMs: 3 },
      { type: 'text', text: 'It is 42.' },
    ]);
    expect(textOfParts(parts)).toBe("I'll use calculator.\n\nIt is 42.");
    expect(partsFrom([{ type: 'text', text: "I'll use calculator." }, { type: 'tool', callId: 'c1' }, { type: 'text', text: 'It is 42.' }], [call({ status: 'ok', result: '6*7 = 42', durationMs: 3 })], '')).toEqual(parts);
  });

  it('the next turn sends an answer that used tools as calls, results and words, step by step', () => {
    const parts = [
      ...applyToolCall(applyToolCall(appendText([], 'Checking.'), call({ status: 'ok', result: '42' })), call({ id: 'c2', name: 'current_time', toolId: 'builtin:current_time', status: 'denied', error: 'declined', arguments: '{}' })),
      ...applyToolCall([], call({ id: 'c3', step: 2, status: 'ok', result: '43' })),
      { type: 'text' as const, text: 'Done.' },
    ];
    expect(historyOfAnswer({ content: 'Checking.\n\nDone.', parts })).toEqual([
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'c1', name: 'calculator', arguments: '{"expression":"6*7"}' },
          { id: 'c2', name: 'current_time', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'c1', name: 'calculator', content: '42' },
      { role: 'tool', toolCallId: 'c2', name: 'current_time', content: 'declined', isError: true },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c3', name: 'calculator', arguments: '{"expression":"6*7"}' }] },
      { role: 'tool', toolCallId: 'c3', name: 'calculator', content: '43' },
      { role: 'assistant', content: 'Done.' },
    ]);
  });
});
