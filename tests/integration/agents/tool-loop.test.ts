import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEvent, ChatSendResponse, UsageRecord } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { rejection, waitFor } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

// The tool loop through the real core and the real SDKs (openai, @anthropic-ai/sdk, @google/genai)
// against the fake provider server: model asks for a tool → the core runs it → the result goes back
// → the model answers in words. Every model call is its own ledger row with its step.

let fake: FakeProviders;
let t: TestCore;
const keys: Record<string, string> = {};
const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);

const FAMILIES = [
  { provider: 'openai', model: 'gpt-4o-mini', secret: `sk-proj-${'o'.repeat(40)}` },
  { provider: 'anthropic', model: 'claude-haiku-4-5', secret: `sk-ant-api03-${'a'.repeat(40)}` },
  { provider: 'gemini', model: 'gemini-2.5-flash', secret: `AIza${'g'.repeat(35)}` },
] as const;

async function agent(input: Record<string, unknown>): Promise<string> {
  return (await call<{ id: string }>('agents.save', input)).id;
}

type ToolEvent = Extract<AnyEvent, { name: 'chat.tool' }>;

/** The first chat.tool event asking for approval, once it arrives. */
async function approvalAsked(): Promise<ToolEvent> {
  const find = () => t.events.find((e): e is ToolEvent => e.name === 'chat.tool' && e.payload.call.status === 'awaiting-approval');
  await waitFor(() => find() !== undefined);
  return find()!;
}

async function records(sessionId: string): Promise<UsageRecord[]> {
  return (await call<{ records: UsageRecord[] }>('usage.records', { sessionId })).records.reverse();
}

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  t = await startTestCore();
  for (const f of FAMILIES) keys[f.provider] = (await call<{ id: string }>('keys.add', { provider: f.provider, secret: f.secret, baseUrl: fake.baseUrls[f.provider] })).id;
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('a two-step tool loop in each API family, with the real SDKs', () => {
  for (const f of FAMILIES) {
    for (const stream of [false, true]) {
      it(`${f.provider}${stream ? ', streamed' : ''}: calculator call, result back, answer in words; two ledger rows`, async () => {
        const id = await agent({ name: `Calc ${f.provider} ${stream}`, target: { keyId: keys[f.provider], model: f.model }, tools: ['builtin:calculator'], instructions: 'Use the calculator.' });
        const sessionId = `loop-${f.provider}-${stream}`;
        const r = await call<ChatSendResponse>('chat.send', {
          sessionId,
          agentId: id,
          toolApproval: 'session',
          messages: [{ role: 'user', content: 'What is 6 times 7? [[tool:calculator]]' }],
          ...(stream ? { stream: true, streamId: `s-${sessionId}` } : {}),
        });
        expect(r.toolCalls).toEqual([expect.objectContaining({ toolId: 'builtin:calculator', name: 'calculator', status: 'ok', step: 1, result: '6*7 = 42', arguments: '{"expression":"6*7"}' })]);
        expect(r.steps).toBe(2);
        // Gemini's function response is an object ({output}); the fake quotes what it received.
        expect(r.text).toMatch(/Thanks, the tool answered: ".*6\*7 = 42/);
        expect(r.parts?.map((p) => p.type)).toEqual(f.provider === 'anthropic' ? ['text', 'tool', 'text'] : ['tool', 'text']);
        expect(r.attempts.map((a) => [a.status, a.step])).toEqual([
          ['ok', 1],
          ['ok', 2],
        ]);
        const rows = await records(sessionId);
        expect(rows.map((x) => [x.status, x.step, x.agent, x.fallbackOf])).toEqual([
          ['ok', 1, `Calc ${f.provider} ${stream}`, null],
          ['ok', 2, `Calc ${f.provider} ${stream}`, null],
        ]);
        // The turn's cost is the sum of its model calls.
        expect(r.costUsd).toBeCloseTo(rows.reduce((a, x) => a + (x.costUsd ?? 0), 0), 9);
        // The second request carried the tool result in the family's own shape.
        const sent = (await (await fetch(`${fake.url}/_requests?limit=1`)).json()) as { requests: Array<{ body: unknown }> };
        const body = JSON.stringify(sent.requests[0]!.body);
        if (f.provider === 'openai') expect(body).toMatch(/"role":"tool","tool_call_id":"call_[^"]+","content":"6\*7 = 42"/);
        if (f.provider === 'anthropic') expect(body).toMatch(/"type":"tool_result","tool_use_id":"toolu_[^"]+","content":"6\*7 = 42"/);
        if (f.provider === 'gemini') {
          expect(body).toContain('"functionResponse":{"id":"call_0","name":"calculator","response":{"output":"6*7 = 42"}}');
          // Gemini's thought signature travels back with the call it signed.
          expect(body).toMatch(/"name":"calculator"\},"thoughtSignature":"ZmFrZS10aG91Z2h0/);
        }
      });
    }
  }
});

describe('tool loop rules', () => {
  it('parallel calls in one answer all run, in the order the model made them', async () => {
    const id = await agent({ name: 'Two tools', target: { keyId: keys.openai, model: 'gpt-4o-mini' }, tools: ['builtin:calculator', 'builtin:current_time'] });
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'par', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'both [[tool:calculator,current_time]]' }] });
    expect(r.toolCalls?.map((c) => [c.name, c.status, c.step])).toEqual([
      ['calculator', 'ok', 1],
      ['current_time', 'ok', 1],
    ]);
    expect(new Set(r.toolCalls?.map((c) => c.id)).size).toBe(2);
  });

  it('asks before running a tool: chat.tool announces the call, chat.approveTool denies it, the model is told', async () => {
    const id = await agent({ name: 'Asker', target: { keyId: keys.anthropic, model: 'claude-haiku-4-5' }, tools: ['builtin:calculator'] });
    t.events.length = 0;
    const pending = call<ChatSendResponse>('chat.send', { sessionId: 'ask', streamId: 'ask-1', agentId: id, messages: [{ role: 'user', content: 'calc [[tool]]' }] });
    const asked = await approvalAsked();
    expect(asked.payload.call).toMatchObject({ name: 'calculator', toolId: 'builtin:calculator', arguments: '{"expression":"6*7"}' });
    expect(await call('chat.approveTool', { streamId: 'ask-1', callId: asked.payload.call.id, approve: false })).toEqual({ applied: true });
    const r = await pending;
    expect(r.toolCalls?.[0]).toMatchObject({ status: 'denied', error: expect.stringContaining('declined') });
    expect(r.text).toContain('The tool was not run');
    // Answering again changes nothing.
    expect(await call('chat.approveTool', { streamId: 'ask-1', callId: asked.payload.call.id, approve: true })).toEqual({ applied: false });
  });

  it('"allow for this session" runs later calls of that tool in the conversation without asking', async () => {
    const id = await agent({ name: 'Session asker', target: { keyId: keys.gemini, model: 'gemini-2.5-flash' }, tools: ['builtin:calculator'] });
    t.events.length = 0;
    const first = call<ChatSendResponse>('chat.send', { sessionId: 'ask-s', streamId: 'ask-s-1', agentId: id, messages: [{ role: 'user', content: 'calc [[tool]]' }] });
    const asked = await approvalAsked();
    await call('chat.approveTool', { streamId: 'ask-s-1', callId: asked.payload.call.id, approve: true, forSession: true });
    expect((await first).toolCalls?.[0]?.status).toBe('ok');
    t.events.length = 0;
    const second = await call<ChatSendResponse>('chat.send', { sessionId: 'ask-s', streamId: 'ask-s-2', agentId: id, messages: [{ role: 'user', content: 'again [[tool]]' }] });
    expect(second.toolCalls?.[0]?.status).toBe('ok');
    expect(t.events.some((e) => e.name === 'chat.tool' && e.payload.call.status === 'awaiting-approval')).toBe(false);
  });

  it('the loop is bounded: the last allowed step is offered no tools and answers in words', async () => {
    const id = await agent({ name: 'Bounded', target: { keyId: keys.openai, model: 'gpt-4o-mini' }, tools: ['builtin:calculator'], params: { maxToolSteps: 3 } });
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'bounded', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'forever [[tool]] [[toolrounds:50]]' }] });
    expect(r.steps).toBe(3);
    expect(r.toolCalls).toHaveLength(2);
    expect((await records('bounded')).map((x) => x.step)).toEqual([1, 2, 3]);
  });

  it('the turn budget covers the whole loop: a step that could pass it stops the turn, keeping what was done', async () => {
    // The first step's worst case fits ($0.00066 of $0.0009); after it cost about $0.0005, the second's does not.
    const id = await agent({ name: 'Budgeted', target: { keyId: keys.openai, model: 'gpt-4o-mini' }, tools: ['builtin:calculator'], params: { maxTokens: 1000, turnBudgetUsd: 0.0009 } });
    const err = await rejection(call('chat.send', { sessionId: 'budget', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'calc [[tool]] [[usage:in=400,out=800]]' }] }));
    expect(err).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const details = err.details as { toolCalls: unknown[]; partialText: string; limit: string };
    expect(details.limit).toBe('turnBudgetUsd');
    expect(details.toolCalls).toHaveLength(1);
    expect((await records('budget')).map((x) => [x.status, x.step])).toEqual([['ok', 1]]);
  });

  it('a session budget reached in the middle of a loop stops it with LIMIT_EXCEEDED before the provider is asked again', async () => {
    const id = await agent({ name: 'Session budget', target: { keyId: keys.anthropic, model: 'claude-haiku-4-5' }, tools: ['builtin:calculator'], params: { maxTokens: 200 } });
    // The first call's worst case (1,000 prompt tokens by the provider's count, 200 output, at $1/$5 per million) is $0.002 and fits;
    // it costs $0.0015, and the loop's next call cannot fit what is left.
    await call('limits.set', { sessionUsd: 0.0025 });
    try {
      const before = fake.stats().requests['POST /anthropic/v1/messages'] ?? 0;
      const err = await rejection(call('chat.send', { sessionId: 'sess-budget', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: `${'word '.repeat(200)} [[tool]] [[usage:in=1000,out=100]]` }] }));
      expect(err).toMatchObject({ code: 'LIMIT_EXCEEDED' });
      const details = err.details as { partialText: string; toolCalls: unknown[] };
      expect(details.toolCalls).toHaveLength(1);
      expect(details.partialText).toContain("I'll use calculator");
      expect((fake.stats().requests['POST /anthropic/v1/messages'] ?? 0) - before).toBe(1);
    } finally {
      await call('limits.set', { sessionUsd: null });
    }
  });

  it('a power level picks the model from the catalog, and the ledger records the level', async () => {
    const id = await agent({ name: 'Eco agent', powerLevel: 'eco' });
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'eco', agentId: id, messages: [{ role: 'user', content: 'hi' }] });
    expect(r).toMatchObject({ provider: 'openai', model: 'gpt-5-nano', powerLevel: 'eco' });
    expect((await records('eco'))[0]).toMatchObject({ powerLevel: 'eco', agent: 'Eco agent' });
    const q = await call<{ groups: Array<{ key: Record<string, string | null>; calls: number }> }>('usage.query', { groupBy: ['level'] });
    expect(q.groups.find((g) => g.key.level === 'eco')?.calls).toBeGreaterThanOrEqual(1);
    // An explicit model wins over the level.
    const explicit = await call<ChatSendResponse>('chat.send', { sessionId: 'eco2', agentId: id, target: { keyId: keys.gemini, model: 'gemini-2.5-pro' }, messages: [{ role: 'user', content: 'hi' }] });
    expect(explicit).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-pro' });
    expect(explicit.powerLevel).toBeUndefined();
  });
});
