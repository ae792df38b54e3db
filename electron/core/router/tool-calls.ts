import type { ChatMessage, ToolCallInfo } from '../../../shared/contract/index.js';
import type { ToolCall } from '../providers/adapters/types.js';
import type { ApprovalBook } from '../tools/approvals.js';
import type { OfferedTool } from '../tools/tool-registry.js';
import { clip, type ToolResult } from '../tools/types.js';
import type { RouterRuntime } from './runtime.js';
import type { TurnState } from './turn.js';

/** Arguments and results shown to people (events, answers) are cut to this many characters; the model gets more. */
const SHOWN_CHARS = 4000;

export interface ToolCallOptions {
  /** The tools offered this turn, by the name the model sees. */
  byName: ReadonlyMap<string, OfferedTool>;
  /** "session": the agent's tools run without asking; "ask": each call waits unless allowed for the session. */
  approval: 'ask' | 'session';
  approvals: ApprovalBook;
}

/** One call's outcome: what the conversation shows, and the tool message the model reads next. */
export interface ToolCallOutcome {
  info: ToolCallInfo;
  message: ChatMessage;
}

/**
 * Runs the tool calls one model answer made, in parallel as the model made them. Each is checked
 * against the offered tools (the agent's allow list), confirmed by the user unless allowed for the
 * session, run in the core, timed and logged (name, argument size, duration, outcome; never the
 * arguments themselves), and announced with chat.tool at each change. Never throws: every failure
 * becomes a tool error the model reads.
 */
export async function runToolCalls(rt: RouterRuntime, state: TurnState, calls: readonly ToolCall[], step: number, opts: ToolCallOptions): Promise<ToolCallOutcome[]> {
  const seen = new Set<string>();
  // Models sometimes repeat or leave out ids; every call of a step needs its own.
  const ids = calls.map((c, i) => {
    const id = c.id && !seen.has(c.id) ? c.id : `call_${step}_${i}`;
    seen.add(id);
    return id;
  });
  return Promise.all(calls.map((c, i) => runOne(rt, state, { ...c, id: ids[i]! }, step, opts)));
}

async function runOne(rt: RouterRuntime, state: TurnState, call: ToolCall, step: number, opts: ToolCallOptions): Promise<ToolCallOutcome> {
  const offered = opts.byName.get(call.name);
  const info: ToolCallInfo = {
    id: call.id,
    toolId: offered?.tool.id ?? `unknown:${call.name}`,
    name: call.name,
    status: 'running',
    step,
    arguments: clip(call.arguments, SHOWN_CHARS),
    argumentsBytes: Buffer.byteLength(call.arguments, 'utf8'),
    durationMs: 0,
  };
  const announce = () => rt.deps.emit('chat.tool', { streamId: state.turn.streamId, sessionId: state.req.sessionId, call: { ...info } });
  const finish = (status: ToolCallInfo['status'], result: ToolResult, durationMs = 0): ToolCallOutcome => {
    info.status = status;
    info.durationMs = durationMs;
    if (status === 'ok') info.result = clip(result.content, SHOWN_CHARS);
    else info.error = clip(result.content, SHOWN_CHARS);
    announce();
    rt.deps.logger.info('tool call', { tool: info.toolId, argumentsBytes: info.argumentsBytes, durationMs, outcome: status });
    return { info, message: { role: 'tool', toolCallId: call.id, name: call.name, content: clip(result.content), ...(status === 'ok' ? {} : { isError: true }) } };
  };

  if (!offered) {
    return finish('denied', { ok: false, content: `There is no tool named "${call.name}" for this conversation; only ${[...opts.byName.keys()].join(', ') || 'none'} may be used.` });
  }
  const args = parseArguments(call.arguments);
  if (!args.ok) return finish('error', { ok: false, content: args.error });

  const sessionId = state.req.sessionId;
  if (opts.approval !== 'session' && !opts.approvals.isAllowedForSession(sessionId, offered.tool.id)) {
    info.status = 'awaiting-approval';
    announce();
    const decision = await opts.approvals.wait(state.turn.streamId, call.id, sessionId, offered.tool.id, state.turn.signal);
    if (!decision.approve) {
      if (decision.reason === 'cancelled') return finish('cancelled', { ok: false, content: 'The turn was stopped before this tool ran.' });
      const why = decision.reason === 'timeout' ? 'nobody answered the request to run it in time' : 'the user declined it';
      return finish('denied', { ok: false, content: `The tool was not run: ${why}. Do not call it again for this; answer without it or ask the user.` });
    }
    info.status = 'running';
  }
  announce();
  const started = rt.clock();
  let result: ToolResult;
  try {
    result = await offered.tool.run(args.value, state.turn.signal);
  } catch (err) {
    rt.deps.logger.error('a tool threw', { tool: offered.tool.id, err });
    result = { ok: false, content: 'The tool failed inside Switchboard.' };
  }
  const durationMs = Math.round(rt.clock() - started);
  if (state.turn.signal.aborted) return finish('cancelled', { ok: false, content: 'The turn was stopped while this tool ran.' }, durationMs);
  return finish(result.ok ? 'ok' : 'error', result, durationMs);
}

function parseArguments(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return { ok: true, value: v as Record<string, unknown> };
  } catch {
    // fall through
  }
  return { ok: false, error: 'The arguments were not a JSON object; call the tool again with arguments that match its schema.' };
}
