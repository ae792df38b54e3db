import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';

export interface BareRelay {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * The least any OpenAI-compatible relay built on the official SDK can add in this harness: a bare
 * node:http server that sends `upstreamBody` with one cached openai client and writes each chunk
 * back as SSE. No auth, no budgets, no router, no database: the team server's floor before any of
 * its own work.
 */
export async function startBareRelay(upstream: { baseURL: string; apiKey: string }, upstreamBody: OpenAI.ChatCompletionCreateParamsStreaming): Promise<BareRelay> {
  const client = new OpenAI({ ...upstream, maxRetries: 0 });
  const server: Server = createServer((req, res) => {
    void (async () => {
      for await (const _ of req) {
        // the relay sends its fixed body; the client's is only drained
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
      for await (const chunk of await client.chat.completions.create(upstreamBody)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end('data: [DONE]\n\n');
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
