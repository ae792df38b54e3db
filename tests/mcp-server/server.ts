// A small MCP server for tests, over stdio or streamable HTTP, built on the official SDK's server.
//
//   node --import tsx tests/mcp-server/server.ts                 stdio
//   node --import tsx tests/mcp-server/server.ts --http --port 0 prints: listening on http://127.0.0.1:<p>/mcp
//   --require-header NAME=VALUE   (http) answers 401 without that header
//   --hang-on-start               (stdio) never answers initialize
//   --crash-on-start              (stdio) exits at once with a message on stderr
//
// Tools: echo {text}, add {a, b}, env {} (the names of its environment variables), hang {} (never
// answers), crash {} (exits mid-call), fail {} (a tool error, isError: true).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export function buildServer(): McpServer {
  const server = new McpServer({ name: 'switchboard-test-tools', version: '1.0.0' });
  server.registerTool('echo', { description: 'Repeats the text it is given.', inputSchema: { text: z.string().describe('What to repeat') } }, async ({ text }) => ({
    content: [{ type: 'text', text: `echo: ${text}` }],
  }));
  server.registerTool('add', { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('env', { description: 'Names of the environment variables this server was started with.' }, async () => ({
    content: [{ type: 'text', text: JSON.stringify(Object.keys(process.env).sort()) }],
  }));
  server.registerTool('hang', { description: 'Never answers.' }, () => new Promise(() => undefined));
  server.registerTool('crash', { description: 'Exits in the middle of the call.' }, async () => {
    process.stderr.write('test server: crashing on purpose\n');
    setImmediate(() => process.exit(3));
    return new Promise(() => undefined);
  });
  server.registerTool('fail', { description: 'Always fails.' }, async () => ({ content: [{ type: 'text', text: 'this tool always fails' }], isError: true }));
  return server;
}

export interface McpHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Streamable HTTP in stateless mode: a fresh server and transport per request, as the SDK's examples do. */
export async function startMcpHttpServer(options: { port?: number; requireHeader?: { name: string; value: string } } = {}): Promise<McpHttpServer> {
  const http: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    const need = options.requireHeader;
    if (need && req.headers[need.name.toLowerCase()] !== need.value) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'missing or wrong credentials' }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      const server = buildServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      void server.connect(transport).then(() => transport.handleRequest(req, res, body));
    });
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => argv.includes(name);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (flag('--http')) {
    const header = value('--require-header');
    const [name, ...rest] = header ? header.split('=') : [];
    const s = await startMcpHttpServer({ port: Number(value('--port') ?? 0), ...(name ? { requireHeader: { name, value: rest.join('=') } } : {}) });
    process.stdout.write(`listening on ${s.url}\n`);
    const stop = () => void s.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  if (flag('--crash-on-start')) {
    process.stderr.write('test server: cannot start, missing configuration\n');
    process.exit(2);
  }
  if (flag('--hang-on-start')) {
    // Reads its input and never answers, like a server stuck before it speaks.
    process.stdin.resume();
    return;
  }
  await buildServer().connect(new StdioServerTransport());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main(process.argv.slice(2));
