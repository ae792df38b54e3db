import type { AdapterRequest, CompleteResult, ProviderAdapter, ProviderFailure, ToolCall } from './types.js';

/** Thrown by `complete` when the provider request failed. */
export class ProviderFailureError extends Error {
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
    this.name = 'ProviderFailureError';
  }
}

/** The non-streaming call: runs `stream` and gathers its events into one answer. */
export async function complete(adapter: ProviderAdapter, req: AdapterRequest, signal: AbortSignal): Promise<CompleteResult> {
  let text = '';
  const toolCalls: ToolCall[] = [];
  let usage: CompleteResult['usage'] = null;
  for await (const ev of adapter.stream(req, signal)) {
    switch (ev.type) {
      case 'text':
        text += ev.text;
        break;
      case 'tool_call':
        toolCalls.push({ id: ev.id, name: ev.name, arguments: ev.arguments, ...(ev.signature ? { signature: ev.signature } : {}) });
        break;
      case 'usage':
        usage = ev.usage;
        break;
      case 'done':
        return { text, toolCalls, usage, finishReason: ev.finishReason, model: ev.model };
      case 'error':
        throw new ProviderFailureError(ev.failure);
      default:
        break;
    }
  }
  throw new ProviderFailureError({ code: 'PROVIDER_ERROR', message: 'The provider answer ended without a result.', status: null, retryable: false, retryAfterMs: null });
}
