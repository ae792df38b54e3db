import type { GoogleGenAI } from '@google/genai';
import type { ProviderId } from '../../../../shared/contract/index.js';
import { adapterFailure, blockedFailure, cancelledFailure, streamCutFailure } from './failure.js';
import { historyFor, toGeminiContents } from './messages.js';
import { HEARTBEAT, type AdapterEvent, type AdapterRequest, type Classify, type FinishReason, type ProviderAdapter } from './types.js';
import { normaliseGeminiUsage, type GeminiUsageLike } from './usage.js';

// Loose view of a GenerateContentResponse (streamed chunk or whole answer).
interface ResponseLike {
  modelVersion?: string;
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; thought?: boolean; thoughtSignature?: string; functionCall?: { id?: string; name?: string; args?: unknown } }> };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageLike;
}

interface StreamState {
  finish: string | undefined;
  /** Tool calls seen so far. */
  tools: number;
  text: boolean;
  model: string | null;
}

const newState = (): StreamState => ({ finish: undefined, tools: 0, text: false, model: null });

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

export function geminiFinish(reason: string | undefined, hadToolCall: boolean): FinishReason {
  if (hadToolCall) return 'tool_calls';
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return 'other';
}

export function geminiParams(req: AdapterRequest, signal: AbortSignal): { model: string; contents: unknown; config: Record<string, unknown> } {
  const { systemInstruction, contents } = toGeminiContents(historyFor(req.messages, (req.tools?.length ?? 0) > 0));
  const config: Record<string, unknown> = { maxOutputTokens: req.maxTokens, abortSignal: signal };
  if (systemInstruction !== undefined) config.systemInstruction = systemInstruction;
  if (req.temperature !== undefined) config.temperature = req.temperature;
  if (req.tools && req.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.name,
          ...(t.description ? { description: t.description } : {}),
          parametersJsonSchema: t.parameters,
        })),
      },
    ];
  }
  return { model: req.model, contents, config };
}

/** Gemini generateContent / streamGenerateContent through `@google/genai`. */
export class GeminiAdapter implements ProviderAdapter {
  readonly wire = 'gemini' as const;

  constructor(
    private readonly client: GoogleGenAI,
    private readonly provider: ProviderId,
    private readonly classify: Classify,
  ) {}

  /**
   * models.countTokens. The Gemini API's count takes no systemInstruction or tools (the SDK refuses
   * them outside Vertex): the system text is counted as a leading turn, and the tool declarations
   * at one token per UTF-8 byte of their JSON, which never undercounts.
   */
  async countTokens(req: AdapterRequest, signal: AbortSignal): Promise<number> {
    const { systemInstruction, contents } = toGeminiContents(req.messages);
    const all = systemInstruction === undefined ? contents : [{ role: 'user', parts: [{ text: systemInstruction }] }, ...contents];
    const res = await this.client.models.countTokens({ model: req.model, contents: all, config: { abortSignal: signal } });
    if (typeof res.totalTokens !== 'number') throw new Error('countTokens answered without totalTokens');
    const tools = req.tools && req.tools.length > 0 ? Buffer.byteLength(JSON.stringify(req.tools), 'utf8') : 0;
    return res.totalTokens + tools;
  }

  async *stream(req: AdapterRequest, signal: AbortSignal): AsyncGenerator<AdapterEvent> {
    try {
      const params = geminiParams(req, signal) as Parameters<GoogleGenAI['models']['generateContent']>[0];
      if (!req.stream) {
        const res = (await this.client.models.generateContent(params)) as ResponseLike;
        yield { type: 'open' };
        const state = newState();
        yield* this.fromResponse(res, state);
        yield* this.finish(state, signal, true);
        return;
      }
      const stream = (await this.client.models.generateContentStream(params)) as AsyncIterable<ResponseLike>;
      yield { type: 'open' };
      const state = newState();
      for await (const chunk of stream) yield* this.fromResponse(chunk, state);
      yield* this.finish(state, signal, false);
    } catch (err) {
      yield { type: 'error', failure: adapterFailure(err, signal, this.provider, this.classify) };
    }
  }

  private *fromResponse(
    res: ResponseLike,
    state: StreamState,
  ): Generator<AdapterEvent> {
    if (res.modelVersion) state.model = res.modelVersion;
    const candidate = res.candidates?.[0];
    const parts = candidate?.content?.parts;
    if (parts) {
      for (const part of parts) {
        // Thought summaries are not part of the answer.
        if (part.thought) continue;
        if (typeof part.text === 'string' && part.text.length > 0) {
          state.text = true;
          yield { type: 'text', text: part.text };
        } else if (part.functionCall) {
          const fc = part.functionCall;
          // Calls without an id (older models) are numbered across the whole answer, so parallel calls stay apart.
          const id = fc.id ?? `call_${state.tools}`;
          state.tools++;
          yield { type: 'tool_call', id, name: fc.name ?? '', arguments: JSON.stringify(fc.args ?? {}), ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}) };
        }
      }
    }
    if (candidate?.finishReason) state.finish = candidate.finishReason;
    if (res.promptFeedback?.blockReason) state.finish = res.promptFeedback.blockReason;
    // Each chunk's usageMetadata is the running total; the last one is final.
    if (res.usageMetadata) yield { type: 'usage', usage: normaliseGeminiUsage(res.usageMetadata) };
    else yield HEARTBEAT;
  }

  private *finish(
    state: StreamState,
    signal: AbortSignal,
    whole: boolean,
  ): Generator<AdapterEvent> {
    if (signal.aborted) {
      yield { type: 'error', failure: cancelledFailure() };
      return;
    }
    if (state.finish === undefined && !whole) {
      yield { type: 'error', failure: streamCutFailure(this.provider) };
      return;
    }
    const reason = geminiFinish(state.finish, state.tools > 0);
    if (reason === 'content_filter' && !state.text) {
      yield { type: 'error', failure: blockedFailure(this.provider, state.finish ?? 'blocked') };
      return;
    }
    yield { type: 'done', finishReason: reason, model: state.model };
  }
}
