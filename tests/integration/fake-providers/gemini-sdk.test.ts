import { ApiError, FunctionCallingConfigMode, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { eventually, failure, raw, useFakeProviders, WEATHER_TOOL_SCHEMA } from './harness.js';

const ctx = useFakeProviders();
const KEY = 'AIza-test-0123456789abcdefghijklmn';
const MODEL = 'gemini-2.5-flash';
const GENERATE = `POST /gemini/v1beta/models/${MODEL}:generateContent`;
const STREAM = `POST /gemini/v1beta/models/${MODEL}:streamGenerateContent`;

// @google/genai only retries when retryOptions are given; attempts: 1 states "never" explicitly.
function client(apiKey = KEY): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: ctx.fake.baseUrls.gemini, retryOptions: { attempts: 1 } } });
}

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const textOf = (chunks: GenerateContentResponse[]) => chunks.map((c) => c.text ?? '').join('');

describe('Gemini generateContent through @google/genai', () => {
  it('answers non-streamed with a system instruction, echoing the model', async () => {
    const res = await client().models.generateContent({ model: 'gemini-odd-id', contents: 'Which planet is red?', config: { systemInstruction: 'Answer briefly.' } });
    expect(res.modelVersion).toBe('gemini-odd-id');
    expect(res.candidates?.[0]?.finishReason).toBe('STOP');
    expect(res.text).toContain('gemini-odd-id');
    expect(res.text).toContain('Which planet is red?');
    const usage = res.usageMetadata;
    expect(usage?.promptTokenCount).toBe(Math.ceil(('Which planet is red?'.length + 'Answer briefly.'.length) / 4));
    expect(usage?.candidatesTokenCount).toBe(Math.ceil((res.text ?? '').length / 4));
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0));
    // Like the real API, zero-valued optional counters are left out.
    expect(usage?.thoughtsTokenCount).toBeUndefined();
    expect(usage?.cachedContentTokenCount).toBeUndefined();
    const sent = ctx.fake.requests().at(-1);
    expect(sent?.body).toMatchObject({ systemInstruction: { parts: [{ text: 'Answer briefly.' }] } });
  });

  it('streams ?alt=sse with CRLF framing, running usage, and the final chunk\'s usage final', async () => {
    const chunks = await collect(await client().models.generateContentStream({ model: MODEL, contents: 'stream this' }));
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(textOf(chunks)).toContain('stream this');
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(Math.ceil(textOf(chunks).length / 4));
    const counts = chunks.map((c) => c.usageMetadata?.candidatesTokenCount ?? 0);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(ctx.fake.requests().at(-1)?.query.alt).toBe('sse');

    const wire = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
      body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
      headers: { 'x-goog-api-key': KEY },
    });
    expect(wire.text.startsWith('data: {"candidates": [')).toBe(true);
    expect(wire.text.endsWith('\r\n\r\n')).toBe(true);
    expect(wire.text).not.toContain('[DONE]');
    // Without alt=sse the same chunks arrive as one JSON array.
    const array = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/${MODEL}:streamGenerateContent`, {
      body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
      headers: { 'x-goog-api-key': KEY },
    });
    const chunks2 = array.json() as Array<{ candidates: Array<{ finishReason?: string }> }>;
    expect(chunks2.length).toBeGreaterThan(1);
    expect(chunks2.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
  });

  it('reports forced usage by Gemini rules: cached inside prompt, thoughts beside candidates', async () => {
    const contents = 'count me [[usage:in=1200,out=300,cached=200,reasoning=40]]';
    const expected = { promptTokenCount: 1200, cachedContentTokenCount: 200, thoughtsTokenCount: 40, candidatesTokenCount: 260, totalTokenCount: 1500 };
    const res = await client().models.generateContent({ model: MODEL, contents });
    expect(res.usageMetadata).toMatchObject(expected);
    const chunks = await collect(await client().models.generateContentStream({ model: MODEL, contents }));
    expect(chunks.at(-1)?.usageMetadata).toMatchObject(expected);
    expect(chunks[0]?.usageMetadata?.candidatesTokenCount).toBeLessThan(260);
  });

  it('answers with a functionCall when tools are given and [[tool]] is asked', async () => {
    const tools = [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: WEATHER_TOOL_SCHEMA }] }];
    const res = await client().models.generateContent({ model: MODEL, contents: 'Weather in Rome? [[tool]]', config: { tools } });
    expect(res.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'example', unit: 'celsius', days: 1 } }]);

    const chunks = await collect(await client().models.generateContentStream({ model: MODEL, contents: 'Weather in Rome? [[tool:get_weather]]', config: { tools } }));
    expect(chunks.flatMap((c) => c.functionCalls ?? []).map((c) => c.name)).toEqual(['get_weather']);

    // Forced by toolConfig even without the directive, as mode ANY does.
    const forced = await client().models.generateContent({
      model: MODEL,
      contents: 'no directive here',
      config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } },
    });
    expect(forced.functionCalls?.[0]?.name).toBe('get_weather');

    const followUp = await client().models.generateContent({
      model: MODEL,
      config: { tools },
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Rome? [[tool]]' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Rome' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 25 } } }] },
      ],
    });
    expect(followUp.functionCalls).toBeUndefined();
    expect(followUp.text).toContain('{"temp":25}');
  });

  it('rejects -invalid keys with 400 API_KEY_INVALID, by header or ?key=, and a missing key with 403', async () => {
    const err = await failure(() => client('AIza-test-abcdef-invalid').models.generateContent({ model: MODEL, contents: 'hi' }));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toContain('API_KEY_INVALID');
    await expect(client('AIza-test-abcdef-invalid').models.list()).rejects.toBeInstanceOf(ApiError);

    const body = { contents: [{ parts: [{ text: 'hi' }] }] };
    const viaQuery = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/${MODEL}:generateContent?key=AIza-bad-invalid`, { body });
    expect(viaQuery.status).toBe(400);
    expect(viaQuery.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', details: expect.arrayContaining([expect.objectContaining({ reason: 'API_KEY_INVALID' })]) } });
    expect(ctx.fake.requests().at(-1)?.query.key).toBeUndefined();
    const okQuery = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/${MODEL}:generateContent?key=AIza-good`, { body });
    expect(okQuery.status).toBe(200);
    const missing = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/${MODEL}:generateContent`, { body });
    expect(missing.status).toBe(403);
    expect(missing.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
  });

  it('lists models and counts tokens', async () => {
    const pager = await client().models.list();
    const names: string[] = [];
    for await (const m of pager) names.push(m.name ?? '');
    expect(names).toContain(`models/${MODEL}`);
    const counted = await client().models.countTokens({ model: MODEL, contents: 'four' });
    expect(counted.totalTokens).toBe(1);
  });

  it('refuses an assistant role, as the real API does', async () => {
    const err = await failure(() => client().models.generateContent({ model: MODEL, contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] }));
    expect((err as ApiError).status).toBe(400);
  });

  it('[[fault:429x2]]: two RESOURCE_EXHAUSTED with retry info, then success', async () => {
    const ask = () => client().models.generateContent({ model: MODEL, contents: 'busy [[fault:429x2]]' });
    for (let i = 0; i < 2; i++) {
      const err = (await failure(ask)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(429);
      expect(err.message).toContain('RESOURCE_EXHAUSTED');
      expect(err.message).toContain('RetryInfo');
    }
    expect((await ask()).text).toContain('busy');
    expect(ctx.fake.stats().requests[GENERATE]).toBe(3);
    const wire = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/${MODEL}:generateContent`, {
      body: { contents: [{ parts: [{ text: 'busy [[fault:429x2]]' }] }] },
      headers: { 'x-goog-api-key': KEY },
    });
    expect(wire.status).toBe(429);
    expect(wire.headers.get('retry-after')).toBe('1');
  });

  it('[[fault:500]] is INTERNAL, [[fault:529]] is 503 UNAVAILABLE (Gemini has no 529), [[fault:quota]] a quota 429', async () => {
    const server = (await failure(() => client().models.generateContent({ model: MODEL, contents: 'x [[fault:500]]' }))) as ApiError;
    expect(server.status).toBe(500);
    expect(server.message).toContain('INTERNAL');
    const overloaded = (await failure(() => client().models.generateContentStream({ model: MODEL, contents: 'x [[fault:529]]' }))) as ApiError;
    expect(overloaded.status).toBe(503);
    expect(overloaded.message).toContain('UNAVAILABLE');
    const quota = (await failure(() => client().models.generateContent({ model: MODEL, contents: 'x [[fault:quota]]' }))) as ApiError;
    expect(quota.status).toBe(429);
    expect(quota.message).toContain('exceeded your current quota');
  });

  it('[[fault:policy]] is a 200 without candidates, blocked in promptFeedback', async () => {
    const res = await client().models.generateContent({ model: MODEL, contents: 'x [[fault:policy]]' });
    expect(res.candidates).toBeUndefined();
    expect(res.promptFeedback?.blockReason).toBe('SAFETY');
  });

  it('[[fault:stall]]: aborting through config.abortSignal is counted', async () => {
    const controller = new AbortController();
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'wait [[fault:stall]]', config: { abortSignal: controller.signal } });
    setTimeout(() => controller.abort(), 50);
    await expect(collect(stream)).rejects.toThrow();
    await eventually(() => ctx.fake.stats().aborted[STREAM] === 1);
    expect(ctx.fake.stats().inFlight).toBe(0);
  });

  it('[[fault:cut]] drops the stream before the final usage; [[fault:garbage]] sends a malformed chunk', async () => {
    const seen: GenerateContentResponse[] = [];
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'cut [[fault:cut]]' });
    const err = await failure(async () => {
      for await (const c of stream) seen.push(c);
    });
    expect(err).toBeInstanceOf(Error);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((c) => c.candidates?.[0]?.finishReason)).toBe(false);
    await expect(client().models.generateContent({ model: MODEL, contents: 'cut [[fault:cut]]' })).rejects.toThrow();

    const garbage = await client().models.generateContentStream({ model: MODEL, contents: 'junk [[fault:garbage]]' });
    await expect(collect(garbage)).rejects.toThrow();
    await expect(client().models.generateContent({ model: MODEL, contents: 'junk [[fault:garbage]]' })).rejects.toThrow();
  });

  it('[[fault:sse-error]] sends an error chunk after the 200, surfacing as ApiError', async () => {
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x [[fault:sse-error]]' });
    const err = (await failure(() => collect(stream))) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
  });
});
