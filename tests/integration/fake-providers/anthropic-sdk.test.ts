import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { eventually, failure, raw, sdkLogCapture, useFakeProviders, WEATHER_TOOL_SCHEMA } from './harness.js';

const ctx = useFakeProviders();
const KEY = 'sk-ant-test-0123456789abcdefghij';
const MESSAGES = 'POST /anthropic/v1/messages';

function client(apiKey = KEY): Anthropic {
  return new Anthropic({ apiKey, baseURL: ctx.fake.baseUrls.anthropic, maxRetries: 0 });
}

const user = (content: string) => [{ role: 'user' as const, content }];
const base = { model: 'claude-sonnet-4-6', max_tokens: 256 };

async function events(stream: AsyncIterable<RawMessageStreamEvent>): Promise<RawMessageStreamEvent[]> {
  const out: RawMessageStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

describe('Anthropic messages through the @anthropic-ai/sdk', () => {
  it('answers non-streamed with a system prompt, echoing the model', async () => {
    const res = await client().messages.create({ ...base, model: 'claude-anything', system: 'Be brief.', messages: user('Name a colour.') });
    expect(res.type).toBe('message');
    expect(res.model).toBe('claude-anything');
    expect(res.stop_reason).toBe('end_turn');
    const block = res.content[0];
    expect(block?.type).toBe('text');
    const text = block?.type === 'text' ? block.text : '';
    expect(text).toContain('claude-anything');
    expect(text).toContain('Name a colour.');
    // The system prompt counts towards input.
    expect(res.usage.input_tokens).toBe(Math.ceil(('Name a colour.'.length + 'Be brief.'.length) / 4));
    expect(res.usage.output_tokens).toBe(Math.ceil(text.length / 4));
    expect(res.usage.cache_read_input_tokens).toBe(0);
    expect(res.usage.cache_creation_input_tokens).toBe(0);
  });

  it('streams the real event sequence: message_start, block start, ping, deltas, block stop, message_delta, message_stop', async () => {
    const seen = await events(await client().messages.create({ ...base, messages: user('stream it'), stream: true }));
    const types = seen.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThanOrEqual(4);
    // The SDK drops pings; they are on the wire right after the first block opens.
    const wire = await raw(`${ctx.fake.baseUrls.anthropic}/v1/messages`, {
      body: { ...base, messages: user('stream it'), stream: true },
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    });
    expect(wire.headers.get('content-type')).toContain('text/event-stream');
    expect(wire.text.split('\n\n').slice(0, 3).map((f) => f.split('\n')[0])).toEqual(['event: message_start', 'event: content_block_start', 'event: ping']);
    expect(wire.text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);

    const final = await client().messages.stream({ ...base, messages: user('stream it') }).finalMessage();
    const text = final.content[0]?.type === 'text' ? final.content[0].text : '';
    expect(text).toContain('stream it');
    expect(final.usage.output_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('reports forced usage by Anthropic rules: cache reads and writes beside input, cumulative output', async () => {
    const content = 'count me [[usage:in=1200,out=300,cached=200,write=100,reasoning=40]]';
    const res = await client().messages.create({ ...base, messages: user(content) });
    expect(res.usage).toMatchObject({ input_tokens: 900, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 300 });
    expect(res.usage.output_tokens_details?.thinking_tokens).toBe(40);

    const seen = await events(await client().messages.create({ ...base, messages: user(content), stream: true }));
    const start = seen.find((e) => e.type === 'message_start');
    const deltas = seen.filter((e) => e.type === 'message_delta');
    expect(start?.type === 'message_start' && start.message.usage).toMatchObject({ input_tokens: 900, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 1 });
    expect(deltas).toHaveLength(1);
    // Cumulative, not additive: the final count is 300, not 301.
    expect(deltas[0]?.type === 'message_delta' && deltas[0].usage.output_tokens).toBe(300);
    const final = await client().messages.stream({ ...base, messages: user(content) }).finalMessage();
    expect(final.usage).toMatchObject({ input_tokens: 900, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 300 });
  });

  it('answers with tool_use when tools are offered and [[tool]] is asked, streamed as input_json_delta', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather for a city', input_schema: WEATHER_TOOL_SCHEMA as Anthropic.Tool.InputSchema }];
    const res = await client().messages.create({ ...base, tools, messages: user('Weather in Oslo? [[tool]]') });
    expect(res.stop_reason).toBe('tool_use');
    const use = res.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' && use.name).toBe('get_weather');
    expect(use?.type === 'tool_use' && use.input).toEqual({ city: 'example', unit: 'celsius', days: 1 });
    expect(use?.type === 'tool_use' && use.id).toMatch(/^toolu_/);

    const stream = client().messages.stream({ ...base, tools, messages: user('Weather in Oslo? [[tool:get_weather]]') });
    const partials: string[] = [];
    stream.on('inputJson', (part) => partials.push(part));
    const final = await stream.finalMessage();
    expect(partials.length).toBeGreaterThan(1);
    const streamedUse = final.content.find((b) => b.type === 'tool_use');
    expect(streamedUse?.type === 'tool_use' && streamedUse.input).toEqual({ city: 'example', unit: 'celsius', days: 1 });
    expect(final.stop_reason).toBe('tool_use');
    if (streamedUse?.type !== 'tool_use') throw new Error('expected tool_use');

    const followUp = await client().messages.create({
      ...base,
      tools,
      messages: [
        ...user('Weather in Oslo? [[tool:get_weather]]'),
        { role: 'assistant', content: final.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: streamedUse.id, content: 'sunny, 18 degrees' }] },
      ],
    });
    expect(followUp.stop_reason).toBe('end_turn');
    expect(followUp.content[0]?.type === 'text' && followUp.content[0].text).toContain('sunny, 18 degrees');
  });

  it('refuses what the real API refuses: a system role in messages, missing max_tokens, unanswered tool_use', async () => {
    const sys = await failure(() =>
      client().messages.create({ ...base, messages: [{ role: 'system' as unknown as 'user', content: 'be nice' }, ...user('hi')] }),
    );
    expect(sys).toBeInstanceOf(Anthropic.BadRequestError);
    const noMax = await raw(`${ctx.fake.baseUrls.anthropic}/v1/messages`, {
      body: { model: 'claude-x', messages: user('hi') },
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    });
    expect(noMax.status).toBe(400);
    expect(noMax.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    const noVersion = await raw(`${ctx.fake.baseUrls.anthropic}/v1/messages`, { body: { ...base, messages: user('hi') }, headers: { 'x-api-key': KEY } });
    expect(noVersion.status).toBe(400);
  });

  it('extended thinking opens the answer with a signed thinking block', async () => {
    const final = await client()
      .messages.stream({ ...base, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: user('think first') })
      .finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(final.content[0]?.type === 'thinking' && final.content[0].signature.length).toBeGreaterThan(0);
    expect(final.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);
  });

  it('rejects -invalid keys with 401 authentication_error and a missing key with 401', async () => {
    const err = await failure(() => client('sk-ant-test-abcdefgh-invalid').messages.create({ ...base, messages: user('hi') }));
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const e = err as InstanceType<typeof Anthropic.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.type).toBe('authentication_error');
    expect(e.requestID).toMatch(/^req_/);
    await expect(client('sk-ant-test-abcdefgh-invalid').models.list()).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const missing = await raw(`${ctx.fake.baseUrls.anthropic}/v1/messages`, { body: { ...base, messages: user('hi') }, headers: { 'anthropic-version': '2023-06-01' } });
    expect(missing.status).toBe(401);
    expect(missing.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('lists models and counts tokens', async () => {
    const page = await client().models.list();
    expect(page.data.map((m) => m.id)).toContain('claude-sonnet-4-6');
    expect((await client().models.retrieve('claude-custom')).id).toBe('claude-custom');
    const counted = await client().messages.countTokens({ model: 'claude-x', messages: user('four') });
    expect(counted.input_tokens).toBe(1);
  });

  it('[[fault:429x2]]: two rate_limit_errors with retry-after, then success', async () => {
    const ask = () => client().messages.create({ ...base, messages: user('busy [[fault:429x2]]') });
    for (let i = 0; i < 2; i++) {
      const err = (await failure(ask)) as InstanceType<typeof Anthropic.RateLimitError>;
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect(err.type).toBe('rate_limit_error');
      expect(err.headers?.get('retry-after')).toBe('1');
    }
    expect((await ask()).stop_reason).toBe('end_turn');
    expect(ctx.fake.stats().requests[MESSAGES]).toBe(3);
  });

  it('[[fault:500]] is api_error, [[fault:529]] is overloaded_error, [[fault:quota]] the credit-balance 400', async () => {
    const server = (await failure(() => client().messages.create({ ...base, messages: user('x [[fault:500]]') }))) as InstanceType<typeof Anthropic.APIError>;
    expect(server).toBeInstanceOf(Anthropic.InternalServerError);
    expect(server.type).toBe('api_error');
    const overloaded = (await failure(() => client().messages.create({ ...base, messages: user('x [[fault:529]]'), stream: true }))) as InstanceType<typeof Anthropic.APIError>;
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect(overloaded.status).toBe(529);
    expect(overloaded.type).toBe('overloaded_error');
    const quota = (await failure(() => client().messages.create({ ...base, messages: user('x [[fault:quota]]') }))) as InstanceType<typeof Anthropic.APIError>;
    expect(quota).toBeInstanceOf(Anthropic.BadRequestError);
    expect(quota.apiMessage).toContain('credit balance is too low');
    const billing = (await failure(() => client().messages.create({ ...base, messages: user('x [[fault:402]]') }))) as InstanceType<typeof Anthropic.APIError>;
    expect(billing).toBeInstanceOf(Anthropic.PaymentRequiredError);
    expect(billing.type).toBe('billing_error');
    const context = (await failure(() => client().messages.create({ ...base, messages: user('x [[fault:context]]') }))) as InstanceType<typeof Anthropic.APIError>;
    expect(context.apiMessage).toMatch(/prompt is too long/);
  });

  it('[[fault:stall]]: a stream gets headers and nothing more; aborting is counted', async () => {
    const controller = new AbortController();
    const stream = await client().messages.create({ ...base, messages: user('wait [[fault:stall]]'), stream: true }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await events(stream)).toEqual([]);
    await eventually(() => ctx.fake.stats().aborted[MESSAGES] === 1);

    const second = new AbortController();
    const pending = client().messages.create({ ...base, messages: user('wait [[fault:stall]]') }, { signal: second.signal });
    await eventually(() => ctx.fake.stats().inFlight === 1);
    second.abort();
    await expect(pending).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    await eventually(() => ctx.fake.stats().aborted[MESSAGES] === 2);
  });

  it('[[fault:cut]]: deltas, then a dropped connection without message_delta or message_stop', async () => {
    const seen: RawMessageStreamEvent[] = [];
    const stream = await client().messages.create({ ...base, messages: user('cut [[fault:cut]]'), stream: true });
    const err = await failure(async () => {
      for await (const e of stream) seen.push(e);
    });
    expect(err).toBeInstanceOf(Error);
    expect(seen.some((e) => e.type === 'content_block_delta')).toBe(true);
    expect(seen.some((e) => e.type === 'message_delta' || e.type === 'message_stop')).toBe(false);
    await expect(client().messages.create({ ...base, messages: user('cut [[fault:cut]]') })).rejects.toThrow();
  });

  it('[[fault:garbage]] breaks JSON mid-stream; [[fault:sse-error]] sends an error event after the 200', async () => {
    // The SDK logs the chunk it cannot parse: captured here (and checked), not printed into the test run.
    const log = sdkLogCapture();
    const quiet = new Anthropic({ apiKey: KEY, baseURL: ctx.fake.baseUrls.anthropic, maxRetries: 0, logger: log.logger, logLevel: 'error' });
    const garbage = await quiet.messages.create({ ...base, messages: user('junk [[fault:garbage]]'), stream: true });
    await expect(events(garbage)).rejects.toBeInstanceOf(SyntaxError);
    expect(log.lines.some((l) => l.startsWith('error: Could not parse message into JSON'))).toBe(true);
    await expect(client().messages.create({ ...base, messages: user('junk [[fault:garbage]]') })).rejects.toThrow();
    const sse = await client().messages.create({ ...base, messages: user('x [[fault:sse-error]]'), stream: true });
    const err = (await failure(() => events(sse))) as InstanceType<typeof Anthropic.APIError>;
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.type).toBe('overloaded_error');
  });
});
