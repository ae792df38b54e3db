import type { BodyFault } from './directives.js';
import { sleep, type Exchange } from './exchange.js';
import type { Frame, WireResponse } from './types.js';

/** OpenAI and Anthropic end events with a blank line; Gemini's servers use CRLF line ends throughout. */
export type Separator = '\n\n' | '\r\n\r\n';

export function encodeFrame(frame: Pick<Frame, 'event' | 'data'>, separator: Separator): string {
  const eol = separator === '\r\n\r\n' ? '\r\n' : '\n';
  return `${frame.event ? `event: ${frame.event}${eol}` : ''}data: ${frame.data}${separator}`;
}

function write(ex: Exchange, chunk: string | Buffer): Promise<void> {
  // Waiting for the flush matters before a deliberate cut: destroying the socket drops unflushed bytes.
  return new Promise((resolve) => {
    if (!ex.open) return resolve();
    ex.res.write(chunk, () => resolve());
  });
}

function waitForClose(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export interface StreamOptions {
  headers: Record<string, string>;
  separator: Separator;
  delayMs: number;
  fault: BodyFault | null;
  /** The provider's in-stream error event, sent in place of the first content frame for `sse-error`. */
  errorFrame: Pick<Frame, 'event' | 'data'>;
}

/**
 * Streams frames one write each. Faults act relative to the content frames: `cut` drops the connection
 * after about half of them (so no usage and no terminator arrive), `garbage` follows the first one with
 * a truncated copy of the next, `sse-error` replaces the first one with the provider's error event, and
 * `stall` sends the headers and nothing else until the client leaves.
 */
export async function streamFrames(ex: Exchange, frames: Frame[], opts: StreamOptions): Promise<void> {
  if (!ex.open) return;
  ex.res.writeHead(200, opts.headers);
  ex.res.flushHeaders();
  if (opts.fault === 'stall') return waitForClose(ex.signal);

  const content = frames.flatMap((f, i) => (f.phase === 'content' ? [i] : []));
  const firstContent = content[0] ?? frames.findIndex((f) => f.phase === 'tail');
  const cutAfter = content[Math.max(0, Math.ceil(content.length / 2) - 1)] ?? Math.max(0, firstContent - 1);

  for (let i = 0; i < frames.length; i++) {
    if (!ex.open) return;
    const frame = frames[i] as Frame;
    if (opts.fault === 'sse-error' && i === firstContent) {
      await write(ex, encodeFrame(opts.errorFrame, opts.separator));
      ex.res.end();
      return;
    }
    await write(ex, encodeFrame(frame, opts.separator));
    if (opts.fault === 'garbage' && i === firstContent) {
      const victim = frames[content[1] ?? i] ?? frame;
      await write(ex, encodeFrame({ event: victim.event, data: victim.data.slice(0, Math.floor(victim.data.length / 2)) }, opts.separator));
    }
    if (opts.fault === 'cut' && i === cutAfter) {
      ex.cut();
      return;
    }
    if (opts.delayMs > 0 && i < frames.length - 1) await sleep(opts.delayMs, ex.signal);
  }
  if (ex.open) ex.res.end();
}

/** A non-streamed answer, broken the way the fault asks. */
export async function sendFaulty(ex: Exchange, response: WireResponse, fault: BodyFault | null): Promise<void> {
  if (!ex.open) return;
  if (fault === 'stall') return waitForClose(ex.signal);
  const body = Buffer.from(response.body, 'utf8');
  if (fault === 'cut') {
    // The advertised length is the full body, so the client knows it was cut short.
    ex.res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
    await write(ex, body.subarray(0, Math.floor(body.length / 2)));
    ex.cut();
    return;
  }
  if (fault === 'garbage') {
    ex.send({ ...response, body: response.body.slice(0, Math.floor(response.body.length / 2)) });
    return;
  }
  ex.send(response);
}
