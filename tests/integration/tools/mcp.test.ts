import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatSendResponse, McpServerInfo } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { filesUnder, rejection } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { startMcpHttpServer, type McpHttpServer } from '../../mcp-server/server.js';

// MCP servers through the official SDK client, stdio and streamable HTTP, including ones that hang
// and crash: the model gets a tool error, the user a clear message, and the turn never hangs.

const SERVER = join(process.cwd(), 'tests/mcp-server/server.ts');
const stdio = (...extra: string[]) => ({ transport: 'stdio', command: process.execPath, args: ['--import', 'tsx', SERVER, ...extra], cwd: process.cwd() });
const ENV_SECRET = `mcp-env-${'s'.repeat(24)}`;
const HEADER_SECRET = `Bearer mcp-${'h'.repeat(30)}`;

let fake: FakeProviders;
let http: McpHttpServer;
let t: TestCore;
let keyId: string;
const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);

async function agentWith(tools: string[]): Promise<string> {
  return (await call<{ id: string }>('agents.save', { name: `MCP ${Math.random()}`, target: { keyId, model: 'gpt-4o-mini' }, tools })).id;
}

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  http = await startMcpHttpServer({ requireHeader: { name: 'authorization', value: HEADER_SECRET } });
  t = await startTestCore({ logFile: true });
  keyId = (await call<{ id: string }>('keys.add', { provider: 'openai', secret: `sk-proj-${'m'.repeat(40)}`, baseUrl: fake.baseUrls.openai })).id;
}, 30_000);

afterAll(async () => {
  await t?.close();
  await http?.close();
  await fake?.close();
});

describe('MCP servers', () => {
  let stdioId: string;

  it('a stdio server: its tools are listed with descriptions; it runs with only the environment given plus PATH', async () => {
    const added = await call<{ id: string; tools: Array<{ id: string; name: string; description: string }> }>('mcp.add', { name: 'Test tools', ...stdio(), env: { TEST_TOKEN: ENV_SECRET } });
    stdioId = added.id;
    expect(added.tools.map((x) => x.name).sort()).toEqual(['add', 'crash', 'echo', 'env', 'fail', 'hang']);
    expect(added.tools.find((x) => x.name === 'echo')).toEqual({ id: `mcp:${stdioId}:echo`, name: 'echo', description: 'Repeats the text it is given.' });
    const id = await agentWith([`mcp:${stdioId}:env`, `mcp:${stdioId}:echo`]);
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-env', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'env? [[tool:env]]' }] });
    expect(r.toolCalls?.[0]).toMatchObject({ toolId: `mcp:${stdioId}:env`, status: 'ok' });
    expect(JSON.parse(r.toolCalls![0]!.result!)).toEqual(['PATH', 'TEST_TOKEN']);
  });

  it('mcp.list shows names of environment variables, never their values; the data folder and logs hold no value in plain text', async () => {
    const { servers } = await call<{ servers: McpServerInfo[] }>('mcp.list', {});
    const s = servers.find((x) => x.id === stdioId)!;
    expect(s).toMatchObject({ name: 'Test tools', transport: 'stdio', envNames: ['TEST_TOKEN'], status: 'connected' });
    expect(JSON.stringify(servers)).not.toContain(ENV_SECRET);
    for (const f of filesUnder(t.dataDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(ENV_SECRET);
    expect(t.lines.join('\n')).not.toContain(ENV_SECRET);
  });

  it('an MCP tool is called from a conversation: the model asks, the server answers, the model reads it', async () => {
    const id = await agentWith([`mcp:${stdioId}:echo`]);
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-echo', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'echo [[tool:echo]]' }] });
    expect(r.toolCalls?.[0]).toMatchObject({ name: 'echo', status: 'ok', result: 'echo: example' });
    expect(r.text).toContain('echo: example');
  });

  it('a hanging tool times out: the model gets a tool error, the user a clear message, the turn ends', async () => {
    const added = await call<{ id: string }>('mcp.add', { name: 'Slow tools', ...stdio(), timeoutMs: 1500 });
    const id = await agentWith([`mcp:${added.id}:hang`, `mcp:${added.id}:echo`]);
    t.events.length = 0;
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-hang', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'hang [[tool:hang]]' }] });
    expect(r.toolCalls?.[0]).toMatchObject({ name: 'hang', status: 'error', error: expect.stringContaining('did not answer hang within 2 s') });
    expect(r.steps).toBe(2);
    expect(t.events.some((e) => e.name === 'mcp.changed' && e.payload.serverId === added.id && /did not answer/.test(e.payload.message ?? ''))).toBe(true);
    // The server is started again for the next call.
    const again = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-hang', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'echo [[tool:echo]]' }] });
    expect(again.toolCalls?.[0]).toMatchObject({ status: 'ok', result: 'echo: example' });
  });

  it('a server that crashes mid-call gives a tool error naming what it said, and is restarted on the next call', async () => {
    const id = await agentWith([`mcp:${stdioId}:crash`, `mcp:${stdioId}:echo`]);
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-crash', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'crash [[tool:crash]]' }] });
    expect(r.toolCalls?.[0]).toMatchObject({ name: 'crash', status: 'error', error: expect.stringContaining('crashing on purpose') });
    const { servers } = await call<{ servers: McpServerInfo[] }>('mcp.list', {});
    expect(servers.find((s) => s.id === stdioId)).toMatchObject({ status: 'error', error: expect.stringContaining('stopped unexpectedly') });
    const again = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-crash', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'echo [[tool:echo]]' }] });
    expect(again.toolCalls?.[0]).toMatchObject({ status: 'ok' });
  });

  it('a tool error (isError) reaches the model as an error result', async () => {
    const id = await agentWith([`mcp:${stdioId}:fail`]);
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-fail', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'fail [[tool:fail]]' }] });
    expect(r.toolCalls?.[0]).toMatchObject({ status: 'error', error: 'this tool always fails' });
  });

  it('servers that crash or hang while starting are not added, with a message that says why', async () => {
    const crash = await rejection(call('mcp.add', { name: 'Broken', ...stdio('--crash-on-start') }));
    expect(crash.code).toBe('PROVIDER_UNAVAILABLE');
    expect(crash.message).toMatch(/Broken.*missing configuration.*not added/);
    const hang = await rejection(call('mcp.add', { name: 'Stuck', ...stdio('--hang-on-start'), startTimeoutMs: 1000 }));
    expect(hang.message).toMatch(/Stuck.*did not finish starting within 1 s/);
    const missing = await rejection(call('mcp.add', { name: 'Nowhere', transport: 'stdio', command: 'no-such-command-here' }));
    expect(missing.message).toMatch(/not found/);
    const { servers } = await call<{ servers: McpServerInfo[] }>('mcp.list', {});
    expect(servers.map((s) => s.name)).not.toContain('Broken');
  }, 20_000);

  it('a streamable HTTP server: headers are sent, kept sealed and never shown; a wrong header is refused', async () => {
    const refused = await rejection(call('mcp.add', { name: 'Remote', transport: 'http', url: http.url, headers: { Authorization: 'Bearer wrong-value-xyz' } }));
    expect(refused.message).toMatch(/Remote/);
    expect(refused.message).not.toContain('wrong-value-xyz');
    const added = await call<{ id: string; tools: Array<{ name: string }>; server: McpServerInfo }>('mcp.add', { name: 'Remote', transport: 'http', url: http.url, headers: { Authorization: HEADER_SECRET } });
    expect(added.tools.map((x) => x.name)).toContain('add');
    expect(added.server.headerNames).toEqual(['Authorization']);
    const id = await agentWith([`mcp:${added.id}:add`]);
    const r = await call<ChatSendResponse>('chat.send', { sessionId: 'mcp-http', agentId: id, toolApproval: 'session', messages: [{ role: 'user', content: 'add [[tool:add]]' }] });
    expect(r.toolCalls?.[0]).toMatchObject({ status: 'ok', result: '2' });
    const everything = [JSON.stringify(await call('mcp.list', {})), JSON.stringify(r), t.lines.join('\n'), ...filesUnder(t.dataDir).map((f) => readFileSync(f, 'utf8'))].join('\n');
    expect(everything).not.toContain(HEADER_SECRET.slice(7));
  });

  it('mcp.remove stops the server and its tools are gone', async () => {
    expect(await call('mcp.remove', { id: stdioId })).toEqual({ removed: true });
    const { tools } = await call<{ tools: Array<{ id: string }> }>('tools.list', {});
    expect(tools.some((x) => x.id.startsWith(`mcp:${stdioId}:`))).toBe(false);
    expect(await call('mcp.remove', { id: stdioId })).toEqual({ removed: false });
  });
});
