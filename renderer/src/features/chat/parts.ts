import type { AnswerPart, ChatMessage, ChatSendResponse, ToolCallInfo } from '../../../../shared/contract/index.js';
import type { Message, MessagePart } from '../../db/schema.js';

// Structured answers: the words, tool calls and tool results of a turn, kept in order.

/** Streamed text goes to the last text part, or opens one after a tool call. */
export function appendText(parts: readonly MessagePart[], text: string): MessagePart[] {
  if (text === '') return parts as MessagePart[];
  const last = parts[parts.length - 1];
  if (last?.type === 'text') return [...parts.slice(0, -1), { type: 'text', text: last.text + text }];
  return [...parts, { type: 'text', text }];
}

/** A tool call's news (chat.tool): its call part is added once; its result part appears, or is replaced, when the call ends. */
export function applyToolCall(parts: readonly MessagePart[], info: ToolCallInfo): MessagePart[] {
  const out = [...parts];
  const callAt = out.findIndex((p) => p.type === 'tool_call' && p.id === info.id);
  if (callAt < 0) out.push({ type: 'tool_call', id: info.id, toolId: info.toolId, name: info.name, arguments: info.arguments, step: info.step });
  const resultAt = out.findIndex((p) => p.type === 'tool_result' && p.callId === info.id);
  const result: MessagePart = { type: 'tool_result', callId: info.id, status: info.status, content: info.result ?? info.error ?? '', durationMs: info.durationMs };
  if (resultAt >= 0) out[resultAt] = result;
  else {
    const at = out.findIndex((p) => p.type === 'tool_call' && p.id === info.id);
    out.splice(at + 1, 0, result);
  }
  return out;
}

/** Parts from the core's ordered list (text and tool references) and its tool calls. */
export function partsFrom(order: readonly AnswerPart[] | undefined, calls: readonly ToolCallInfo[] | undefined, text: string): MessagePart[] {
  if (!order || order.length === 0) return text === '' ? [] : [{ type: 'text', text }];
  const byId = new Map((calls ?? []).map((c) => [c.id, c] as const));
  let out: MessagePart[] = [];
  for (const p of order) {
    if (p.type === 'text') out = appendText(out, p.text);
    else {
      const c = byId.get(p.callId);
      if (c) out = applyToolCall(out, c);
    }
  }
  return out;
}

export function partsOfResult(result: ChatSendResponse): MessagePart[] {
  return partsFrom(result.parts, result.toolCalls, result.text);
}

/** The plain text of parts: the words, paragraphs apart (what `content` holds). */
export function textOfParts(parts: readonly MessagePart[]): string {
  return parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n');
}

export function hasTools(parts: readonly MessagePart[] | undefined): boolean {
  return (parts ?? []).some((p) => p.type !== 'text');
}

/**
 * What the model is sent for one stored answer: each step's words with the tool calls it made,
 * then the results, then the next step; an answer without tools is one assistant message.
 */
export function historyOfAnswer(m: Pick<Message, 'content' | 'parts'>): ChatMessage[] {
  const parts = m.parts;
  if (!parts || !hasTools(parts)) return m.content.trim() === '' ? [] : [{ role: 'assistant', content: m.content }];
  const out: ChatMessage[] = [];
  let text = '';
  let calls: Array<Extract<MessagePart, { type: 'tool_call' }>> = [];
  const results = new Map(parts.flatMap((p) => (p.type === 'tool_result' ? [[p.callId, p] as const] : [])));
  const flush = () => {
    if (calls.length === 0) return;
    out.push({ role: 'assistant', content: text, toolCalls: calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) });
    for (const c of calls) {
      const r = results.get(c.id);
      const failed = !r || r.status !== 'ok';
      out.push({ role: 'tool', toolCallId: c.id, name: c.name, content: r?.content || (failed ? 'The tool did not run.' : ''), ...(failed ? { isError: true } : {}) });
    }
    text = '';
    calls = [];
  };
  for (const p of parts) {
    if (p.type === 'text') {
      flush();
      text = text === '' ? p.text : `${text}\n\n${p.text}`;
    } else if (p.type === 'tool_call') {
      if (calls.length > 0 && calls[0]!.step !== p.step) flush();
      calls.push(p);
    }
  }
  flush();
  if (text.trim() !== '') out.push({ role: 'assistant', content: text });
  return out;
}
