import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { eventually, failure, raw, sdkLogCapture, useFakeProviders, WEATHER_TOOL_SCHEMA } from './harness.js';

const ctx = useFakeProviders();
const KEY = 'sk-test-openai-0123456789abcdef';
const CHAT = 'POST /openai/v1/chat/completions';

function client(apiKey = KEY): OpenAI {
  return new OpenAI({ apiKey, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 });
}

const user = (content: string) => [{ role: 'user' as const, content }];

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<{ text: string; chunks: ChatCompletionChunk[] }> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { text: chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), chunks };
}

describe('OpenAI chat completions through the openai SDK', () => {
  it('answers non-streamed, echoing the model and the question', async () => {
    const res = await client().chat.completions.create({ model: 'my-odd-model-id', messages: user('What is the capital of France?') });
    expect(res.model).toBe('my-odd-model-id');
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    const text = res.choices[0]?.message.content ?? '';
    expect(text).toContain('my-odd-model-id');
    expect(text).toContain('What is the capital of France?');
    // Estimated usage is deterministic: about four characters a token.
    expect(res.usage?.prompt_tokens).toBe(Math.ceil('What is the capital of France?'.length / 4));
    expect(res.usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
  });

  it('streams several deltas, with usage in an extra choices-less chunk only when include_usage is set', async () => {
    const withUsage = await collect(
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('stream please'), stream: true, stream_options: { include_usage: true } }),
    );
    expect(withUsage.chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(4);
    expect(withUsage.text).toContain('stream please');
    const last = withUsage.chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(Math.ceil(withUsage.text.length / 4));
    for (const c of withUsage.chunks.slice(0, -1)) expect(c.usage).toBeNull();
    expect(withUsage.chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');

    const without = await collect(await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('stream please'), stream: true }));
    expect(without.text).toBe(withUsage.text);
    for (const c of without.chunks) {
      expect('usage' in c).toBe(false);
      expect(c.choices.length).toBe(1);
    }
  });

  it('reports forced usage by OpenAI rules: cached inside prompt, reasoning inside completion', async () => {
    const content = 'count me [[usage:in=1200,out=300,cached=200,reasoning=40]]';
    const expected = {
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 40, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const res = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user(content) });
    expect(res.usage).toEqual(expected);
    const streamed = await collect(await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user(content), stream: true, stream_options: { include_usage: true } }));
    expect(streamed.chunks.at(-1)?.usage).toEqual(expected);
    expect(streamed.text).not.toContain('[[usage');
  });

  it('accepts max_tokens and max_completion_tokens, cutting the reply with finish_reason length', async () => {
    const a = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), max_tokens: 2 });
    const b = await client().chat.completions.create({ model: 'o4-mini', messages: user('hi'), max_completion_tokens: 2 });
    for (const res of [a, b]) {
      expect(res.choices[0]?.finish_reason).toBe('length');
      expect(res.usage?.completion_tokens).toBe(2);
    }
  });

  it('answers with a tool call when tools are offered and [[tool]] is asked, streamed as argument fragments', async () => {
    const tools = [
      { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
      { type: 'function' as const, function: { name: 'get_weather', parameters: WEATHER_TOOL_SCHEMA } },
    ];
    const res = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('weather in Paris? [[tool:get_weather]]'), tools });
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'example', unit: 'celsius', days: 1 });
    expect(res.choices[0]?.message.content).toBeNull();

    // The SDK's own stream accumulator must rebuild the same call from the fragments.
    const stream = client().chat.completions.stream({ model: 'gpt-4o-mini', messages: user('anything [[tool]]'), tools, stream_options: { include_usage: true } });
    const fragments: string[] = [];
    stream.on('chunk', (c) => {
      const part = c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments;
      if (part) fragments.push(part);
    });
    const final = await stream.finalChatCompletion();
    expect(fragments.length).toBeGreaterThan(1);
    const streamedCall = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(streamedCall?.type === 'function' && streamedCall.function.name).toBe('lookup');
    expect(streamedCall?.type === 'function' && JSON.parse(streamedCall.function.arguments)).toEqual({ q: 'example' });
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);

    // After the tool result the model answers in words, so agent loops end.
    const followUp = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      tools,
      messages: [
        ...user('weather in Paris? [[tool:get_weather]]'),
        { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: call.function }] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' },
      ],
    });
    expect(followUp.choices[0]?.finish_reason).toBe('stop');
    expect(followUp.choices[0]?.message.content).toContain('{"temp": 21}');
  });

  it('rejects a tool message that answers no tool call, as the real API does', async () => {
    const err = await failure(() =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'tool', tool_call_id: 'call_x', content: 'orphan' }] }),
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('rejects keys ending in -invalid with 401 invalid_api_key, never echoing the key', async () => {
    const secret = 'sk-test-abcdefghijklmnop-invalid';
    const err = await failure(() => client(secret).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_api_key');
    expect(e.type).toBe('invalid_request_error');
    expect(e.message).not.toContain(secret);
    await expect(client(secret).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('answers a request without a key with 401, like the real API', async () => {
    const res = await raw(`${ctx.fake.baseUrls.openai}/chat/completions`, { body: { model: 'gpt-4o-mini', messages: user('hi') } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null } });
  });

  it('lists models', async () => {
    const page = await client().models.list();
    expect(page.data.map((m) => m.id)).toContain('gpt-4o-mini');
    const one = await client().models.retrieve('whatever-model');
    expect(one.id).toBe('whatever-model');
  });

  it('[[fault:429x2]]: two 429s with retry-after headers, then success, then the cycle starts over', async () => {
    const ask = () => client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('busy [[fault:429x2]]') });
    for (let i = 0; i < 2; i++) {
      const err = await failure(ask);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      const e = err as InstanceType<typeof OpenAI.RateLimitError>;
      expect(e.status).toBe(429);
      expect(e.code).toBe('rate_limit_exceeded');
      expect(e.headers?.get('retry-after')).toBe('1');
      expect(e.headers?.get('retry-after-ms')).toBe('1000');
    }
    const ok = await ask();
    expect(ok.choices[0]?.message.content).toContain('busy');
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(ctx.fake.stats().requests[CHAT]).toBe(4);
  });

  it('[[fault:500]] persists; [[fault:529]] is an overloaded 503 (OpenAI has no 529)', async () => {
    for (let i = 0; i < 2; i++) {
      const err = await failure(() => client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('x [[fault:500]]') }));
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect((err as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(500);
    }
    const overloaded = await failure(() => client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('x [[fault:529]]'), stream: true }));
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('[[fault:quota]] is a 429 insufficient_quota without retry-after; [[fault:context]] is context_length_exceeded', async () => {
    const quota = (await failure(() => client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('x [[fault:quota]]') }))) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(quota).toBeInstanceOf(OpenAI.RateLimitError);
    expect(quota.code).toBe('insufficient_quota');
    expect(quota.headers?.get('retry-after')).toBeNull();
    const context = (await failure(() => client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('x [[fault:context]]') }))) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(context).toBeInstanceOf(OpenAI.BadRequestError);
    expect(context.code).toBe('context_length_exceeded');
  });

  it('[[fault:stall]]: never answers; a client abort ends it and is counted', async () => {
    const controller = new AbortController();
    const pending = client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('wait [[fault:stall]]') }, { signal: controller.signal });
    await eventually(() => ctx.fake.stats().inFlight === 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await eventually(() => ctx.fake.stats().aborted[CHAT] === 1);
    expect(ctx.fake.stats().inFlight).toBe(0);

    // Streams get their headers, then nothing.
    const streamController = new AbortController();
    const stream = await client().chat.completions.create(
      { model: 'gpt-4o-mini', messages: user('wait [[fault:stall]]'), stream: true },
      { signal: streamController.signal },
    );
    setTimeout(() => streamController.abort(), 50);
    const got = await collect(stream);
    expect(got.chunks).toEqual([]);
    await eventually(() => ctx.fake.stats().aborted[CHAT] === 2);
  });

  it('[[fault:cut]]: some deltas, then the connection drops with no usage and no [DONE]', async () => {
    const chunks: ChatCompletionChunk[] = [];
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('cut me [[fault:cut]]'), stream: true, stream_options: { include_usage: true } });
    const err = await failure(async () => {
      for await (const c of stream) chunks.push(c);
    });
    expect(err).toBeInstanceOf(Error);
    expect(chunks.some((c) => c.choices[0]?.delta.content)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
    // The fake's own cut is not a client abort.
    expect(ctx.fake.stats().aborted[CHAT]).toBeUndefined();

    await expect(client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('cut me [[fault:cut]]') })).rejects.toThrow();
  });

  it('[[fault:garbage]]: a malformed chunk mid-stream, or a 200 with invalid JSON', async () => {
    // The SDK logs the chunk it cannot parse: captured here (and checked), not printed into the test run.
    const log = sdkLogCapture();
    const quiet = new OpenAI({ apiKey: KEY, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0, logger: log.logger, logLevel: 'error' });
    const stream = await quiet.chat.completions.create({ model: 'gpt-4o-mini', messages: user('junk [[fault:garbage]]'), stream: true });
    await expect(collect(stream)).rejects.toBeInstanceOf(SyntaxError);
    expect(log.lines.some((l) => l.startsWith('error: Could not parse message into JSON'))).toBe(true);
    await expect(client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('junk [[fault:garbage]]') })).rejects.toThrow();
  });

  it('[[fault:sse-error]]: an error event after the 200, before the first token', async () => {
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('x [[fault:sse-error]]'), stream: true });
    const err = await failure(() => collect(stream));
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
  });

  it('[[reply:...]] fixes the text and [[delay:ms]] spaces the chunks', async () => {
    const started = Date.now();
    const got = await collect(await client().chat.completions.create({ model: 'gpt-4o-mini', messages: user('[[reply:One two three four.]] [[delay:40]]'), stream: true }));
    expect(got.text).toBe('One two three four.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 40 - 10);
  });
});

describe('Azure OpenAI through the SDK AzureOpenAI client', () => {
  function azure(apiKey = 'test-azure-key-0123456789', deployment?: string): AzureOpenAI {
    return new AzureOpenAI({ apiKey, endpoint: ctx.fake.baseUrls.azure, apiVersion: '2024-10-21', maxRetries: 0, ...(deployment ? { deployment } : {}) });
  }

  it('routes chat to /openai/deployments/<deployment>/chat/completions with api-key and api-version', async () => {
    const res = await azure().chat.completions.create({ model: 'my-gpt4o-deployment', messages: user('hello azure [[usage:in=50,out=20,cached=10]]') });
    expect(res.choices[0]?.message.content).toContain('hello azure');
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(10);
    const sent = ctx.fake.requests().at(-1);
    expect(sent?.path).toBe('/azure/openai/deployments/my-gpt4o-deployment/chat/completions');
    expect(sent?.query['api-version']).toBe('2024-10-21');
    expect(sent?.keyPresent).toBe(true);
    expect(JSON.stringify(sent)).not.toContain('test-azure-key-0123456789');

    const viaDeployment = await azure(undefined, 'fixed-deployment').chat.completions.create({ model: 'ignored', messages: user('hi') });
    expect(viaDeployment.choices[0]?.message.content).toContain('hi');
    expect(ctx.fake.requests().at(-1)?.path).toBe('/azure/openai/deployments/fixed-deployment/chat/completions');
  });

  it('streams with Azure\'s leading filter-results chunk that has no choices', async () => {
    const got = await collect(await azure().chat.completions.create({ model: 'dep', messages: user('stream azure'), stream: true, stream_options: { include_usage: true } }));
    expect(got.chunks[0]?.choices).toEqual([]);
    expect(got.chunks[0]?.usage ?? null).toBeNull();
    expect(got.text).toContain('stream azure');
    expect(got.chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('lists models and deployments, and rejects bad keys with Azure\'s 401', async () => {
    const models = await azure().models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const deployments = await raw(`${ctx.fake.baseUrls.azure}/openai/deployments?api-version=2022-12-01`, { headers: { 'api-key': 'test-azure-key' } });
    expect(deployments.status).toBe(200);
    const listing = deployments.json() as { object: string; data: Array<{ object: string; id: string }> };
    expect(listing.object).toBe('list');
    expect(listing.data[0]?.object).toBe('deployment');
    const err = await failure(() => azure('test-azure-key-invalid').chat.completions.create({ model: 'dep', messages: user('hi') }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('401');
    const limited = (await failure(() => azure().chat.completions.create({ model: 'dep', messages: user('x [[fault:429x1@azure]]') }))) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.headers?.get('retry-after-ms')).toBe('1000');
    expect(limited.headers?.get('x-ms-retry-after-ms')).toBe('1000');
  });
});
