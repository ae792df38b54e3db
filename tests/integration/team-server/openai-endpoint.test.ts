import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { startTestTeam, type TestTeam } from '../../helpers/team-server.js';
import { useFakeProviders } from '../fake-providers/harness.js';

const providers = useFakeProviders();
let pg: TestPostgres;
let team: TestTeam;

beforeAll(async () => {
  pg = await startTestPostgres();
  team = await startTestTeam(pg, providers.fake);
  await team.openaiDefault([{ provider: 'openai', model: 'gpt-4.1-mini' }]);
}, 90_000);
afterAll(async () => {
  await team?.close();
  await pg?.stop();
}, 60_000);

const providerCalls = () => Object.entries(providers.fake.stats().requests).filter(([k]) => k.startsWith('POST ')).reduce((n, [, v]) => n + v, 0);

describe('/v1/chat/completions with the official openai client', () => {
  it('answers JSON with the real model and OpenAI usage', async () => {
    const m = await team.member('json');
    const answer = await team.client(m.token).chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi [[usage:in=120,out=30,cached=20]]' }] });
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe('openai/gpt-4o-mini');
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    expect(answer.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 20 } });
    // The cost by the app's own prices travels beside it.
    expect((answer as unknown as { switchboard: { costUsd: number } }).switchboard.costUsd).toBeGreaterThan(0);
  });

  it('streams with a final usage chunk when stream_options.include_usage is set', async () => {
    const m = await team.member('stream');
    const stream = await team.client(m.token).chat.completions.create({
      model: 'openai/gpt-4.1-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hello [[usage:in=20,out=50]]' }] },
      ],
    });
    let text = '';
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) {
      chunks.push(c);
      for (const ch of c.choices) text += ch.delta.content ?? '';
    }
    expect(text.length).toBeGreaterThan(0);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 50, total_tokens: 70 });
    expect(chunks.every((c) => c.model === 'openai/gpt-4.1-mini')).toBe(true);
    expect(chunks.slice(0, -1).every((c) => c.usage === undefined || c.usage === null)).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
  });

  it('streams without a usage chunk when it was not asked for', async () => {
    const m = await team.member('plain-stream');
    const stream = await team.client(m.token).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('refuses a call over budget with 429 LIMIT_EXCEEDED, x-should-retry false, before any provider request', async () => {
    const m = await team.member('poor', { dailyTokens: 100 });
    const client = team.client(m.token);
    const before = providerCalls();
    const err = await client.chat.completions
      .create({ model: 'default', stream: true, max_tokens: 200, messages: [{ role: 'user', content: 'hi' }] })
      .then(() => null, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err?.status).toBe(429);
    expect(err?.headers?.get('x-should-retry')).toBe('false');
    expect((err?.error as { code: string }).code).toBe('LIMIT_EXCEEDED');
    expect(err?.message).toMatch(/daily token budget.*0 of 100 tokens.*resets at/);
    expect(providerCalls()).toBe(before);
    // A refusal is the caller's answer, not a server failure: the log holds no error for it.
    expect(team.logLines.filter((l) => l.includes('request failed') && l.includes('/v1/chat/completions'))).toEqual([]);
  });

  it('names a model that is not the team\'s, and refuses unknown tokens with 401', async () => {
    const m = await team.member('models');
    const client = team.client(m.token);
    const err = await client.chat.completions.create({ model: 'anthropic/claude-opus-4', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/not one of the team's models.*default, openai\/gpt-4o-mini, openai\/gpt-4.1-mini/);
    const bad = await team.client('sbt_not-a-token').models.list().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('lists the team\'s models at /v1/models', async () => {
    const m = await team.member('list');
    const page = await team.client(m.token).models.list();
    expect(page.data.map((x) => x.id)).toEqual(['default', 'openai/gpt-4o-mini', 'openai/gpt-4.1-mini']);
  });

  it('turns a provider failure into an OpenAI-style error, and an in-stream failure into an error event', async () => {
    const m = await team.member('faults');
    const client = team.client(m.token);
    const err = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'x [[fault:500]]' }] }).catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(((err as InstanceType<typeof OpenAI.APIError>).error as { type: string }).type).toBe('api_error');

    const stream = await client.chat.completions.create({ model: 'default', stream: true, messages: [{ role: 'user', content: 'x [[fault:cut]]' }] });
    const cut = await (async () => {
      for await (const _ of stream) {
        // reading until the error
      }
    })().catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(OpenAI.APIError);
    expect(String((cut as Error).message)).toMatch(/stopped in the middle/);
    // Both calls were metered for the member (the cut one as interrupted, with what was received).
    const usage = await team.api('GET', '/api/admin/usage', team.ownerToken);
    const row = usage.body.members.find((x: { id: string }) => x.id === m.id);
    expect(row.calls).toBeGreaterThanOrEqual(2);
  });
});
