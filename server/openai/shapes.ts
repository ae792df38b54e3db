import type { ChatSendResponse, Usage } from '../../shared/contract/index.js';

/** OpenAI's usage object from the app's normalised usage (DESIGN.md section 2): cached tokens inside prompt tokens, reasoning inside completion tokens. */
export function openAiUsage(u: Usage) {
  const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

/** The router's finish reasons in OpenAI's words. */
export function finishReason(r: string | undefined): 'stop' | 'length' | 'content_filter' | 'tool_calls' {
  if (r === 'length' || r === 'content_filter' || r === 'tool_calls') return r;
  return 'stop';
}

/** What only this server adds: the exact cost by the app's prices, and which model served. Clients that do not know it ignore it. */
export function switchboardExtra(answer: ChatSendResponse) {
  return {
    provider: answer.provider,
    model: answer.model,
    ...(answer.servedModel ? { servedModel: answer.servedModel } : {}),
    usage: answer.usage,
    costUsd: answer.costUsd,
  };
}

export function completionJson(id: string, created: number, model: string, answer: ChatSendResponse) {
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: 'assistant', content: answer.text, refusal: null }, logprobs: null, finish_reason: finishReason(answer.finishReason) }],
    usage: openAiUsage(answer.usage),
    switchboard: switchboardExtra(answer),
  };
}

export function chunk(id: string, created: number, model: string, delta: Record<string, unknown>, finish: string | null) {
  return { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}
