import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import pgLib from 'pg';
import { silentLogger } from '../electron/core/app/logger.js';
import { startTeamServer } from '../server/app.js';
import { startTestPostgres } from '../tests/helpers/postgres.js';
import { tempDir } from '../tests/helpers/temp-dir.js';
import { killOnExit, startBenchChild, type BenchChild } from './lib/bench-child.js';
import { machineRow } from './lib/machine.js';
import { percentile } from './lib/stats.js';
import type { Bench, BenchRow } from './lib/types.js';

const BENCH = 'team server';
const TURNS = 300;
const WARMUP = 300;
const TARGET_MS = 1;
const BUDGET_SECONDS = 4;
const BUDGET_CONCURRENCY = 16;
const PROMPT = 'Say hello in one sentence.';
const UPSTREAM_KEY = `sk-bench-${'o'.repeat(32)}`;

type Turn = () => Promise<{ text: string; firstAt: number | null }>;

/** A streamed turn through the official openai client; the same client for both paths. */
function streamed(client: OpenAI, body: OpenAI.ChatCompletionCreateParamsStreaming): Turn {
  return async () => {
    let text = '';
    let firstAt: number | null = null;
    for await (const chunk of await client.chat.completions.create(body)) {
      const t = chunk.choices[0]?.delta?.content;
      if (t) {
        firstAt ??= performance.now();
        text += t;
      }
    }
    return { text, firstAt };
  };
}

const lib = (file: string) => join(import.meta.dirname, 'lib', file);

interface Path {
  name: string;
  op: Turn;
  /** The process serving this path besides the fake provider (team server or relay), for its CPU per turn. */
  server: BenchChild | null;
  ms: number[];
  first: number[];
  clientCpuUs: number[];
  serverCpuUs: NodeJS.CpuUsage;
}

/**
 * The deployment as it runs: the fake provider, the team server (server/cli.ts, as `npm run server`)
 * and the bare relay each in a process of their own; only the measuring client is in this one.
 */
async function endpointLatency(): Promise<BenchRow[]> {
  const pg = await startTestPostgres();
  const dir = tempDir('sb-bench-team-');
  const children: BenchChild[] = [];
  const databaseUrl = await pg.newDatabase();
  const db = new pgLib.Client({ connectionString: databaseUrl });
  try {
    const fake = await startBenchChild(lib('fake-provider-child.ts'), []);
    children.push(fake);
    const fakeOpenai = (await fake.ask<{ openai: string }>('base-urls')).openai;
    const server = await startBenchChild(lib('team-server-child.ts'), ['--port', '0', '--data-dir', dir.path, '--database-url', databaseUrl, '--log-level', 'warn']);
    children.push(server);
    const owner = readFileSync(join(dir.path, 'owner-token'), 'utf8').trim();
    const admin = async (method: string, path: string, body: unknown) => {
      const r = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, unknown>;
    };
    await admin('POST', '/api/admin/keys', { provider: 'openai', secret: UPSTREAM_KEY, baseUrl: fakeOpenai });
    await admin('PUT', '/api/admin/models', { default: { provider: 'openai', model: 'gpt-4o-mini' } });
    const member = await admin('POST', '/api/admin/members', { name: 'bench' });
    await admin('PUT', `/api/admin/members/${member.id as string}/limits`, { dailyTokens: 1e12, monthlyUsd: 1e6 });

    const viaTeam = streamed(new OpenAI({ apiKey: member.token as string, baseURL: `${server.url}/v1`, maxRetries: 0 }), {
      model: 'default',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: PROMPT }],
    });
    // The exact body the server's router sent, straight at the fake with the same client library.
    await viaTeam();
    const sent = await fake.ask<Record<string, unknown> | null>('last-body');
    if (!sent) throw new Error('the fake provider recorded no JSON request');
    const sentBody = { ...sent, stream: true } as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
    const direct = streamed(new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: fakeOpenai, maxRetries: 0 }), sentBody);
    const relay = await startBenchChild(lib('bare-relay-child.ts'), [fakeOpenai, JSON.stringify(sentBody)], { SB_BENCH_UPSTREAM_KEY: UPSTREAM_KEY });
    children.push(relay);
    const viaRelay = streamed(new OpenAI({ apiKey: 'relay', baseURL: relay.url, maxRetries: 0 }), { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: PROMPT }] });

    // Warm every process: the server's tokenizer worker must count exactly, and each process JITs its own copy of
    // the SDK and HTTP code (in one process the client's turns warmed the relay's too), so warm-up is longer than that.
    for (let i = 0; i < WARMUP; i++) {
      await viaTeam();
      await direct();
      await viaRelay();
    }
    await new Promise((r) => setTimeout(r, 1500));
    const path = (name: string, op: Turn, child: BenchChild | null): Path => ({ name, op, server: child, ms: [], first: [], clientCpuUs: [], serverCpuUs: { user: 0, system: 0 } });
    const paths = [
      path('direct to the fake provider (openai SDK)', direct, null),
      path('through the team server /v1 (openai SDK), own process', viaTeam, server),
      path('floor: a bare relay in its own process (node:http + one cached openai client, no auth/budget/router/DB)', viaRelay, relay),
    ];
    // Each server process serves only its own path, so its CPU over the whole loop / its turns is its CPU per
    // turn, less what it burns idle (timers, the change feed, GC), measured over a quiet second first.
    const cpuNow = () => Promise.all(paths.map((p) => p.server?.cpuUs() ?? { user: 0, system: 0 }));
    const idle0 = await cpuNow();
    const idleStart = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const cpuBefore = await cpuNow();
    const idleMs = performance.now() - idleStart;
    const loopStart = performance.now();
    for (let i = 0; i < TURNS; i++) {
      for (let j = 0; j < paths.length; j++) {
        const p = paths[(i + j) % paths.length]!;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await p.op();
        p.ms.push(performance.now() - t0);
        const cpu = process.cpuUsage(cpu0);
        p.clientCpuUs.push(cpu.user + cpu.system);
        if (r.firstAt !== null) p.first.push(r.firstAt - t0);
      }
    }
    // The last settle is written after the answer's last byte: let it land before reading the CPU.
    await new Promise((r) => setTimeout(r, 200));
    const loopMs = performance.now() - loopStart;
    const cpuAfter = await cpuNow();
    paths.forEach((p, k) => {
      const per = (f: 'user' | 'system') => cpuAfter[k]![f] - cpuBefore[k]![f] - ((cpuBefore[k]![f] - idle0[k]![f]) / idleMs) * loopMs;
      p.serverCpuUs = { user: per('user'), system: per('system') };
    });

    const [base, team, floor] = paths as [Path, Path, Path];
    const row = (p: Path, withDelta: boolean, target = true): BenchRow => {
      const p50 = percentile(p.ms, 50);
      // CPU per turn, which the machine's load does not blur: the server process's (total over the loop / turns)
      // and this client's (p50 of each turn's).
      const values: BenchRow['values'] = { 'p50 ms': p50, 'p99 ms': percentile(p.ms, 99), 'ttft p50 ms': percentile(p.first, 50) };
      if (p.server) {
        values['server cpu ms/turn'] = (p.serverCpuUs.user + p.serverCpuUs.system) / p.ms.length / 1000;
        values['of which sys'] = p.serverCpuUs.system / p.ms.length / 1000;
      }
      values['client cpu ms/turn'] = percentile(p.clientCpuUs, 50) / 1000;
      values.n = p.ms.length;
      if (!withDelta) return { bench: BENCH, case: p.name, values };
      const added = p50 - percentile(base.ms, 50);
      values['+p50 ms'] = added;
      values['+p99 ms'] = percentile(p.ms, 99) - percentile(base.ms, 99);
      values['+ttft ms'] = percentile(p.first, 50) - percentile(base.first, 50);
      if (!target) return { bench: BENCH, case: p.name, values };
      return { bench: BENCH, case: `${p.name}, streamed with usage`, values, target: `+p50 < ${TARGET_MS} ms`, met: added < TARGET_MS };
    };
    // What one database round trip costs on this machine now, from another process as the server's is:
    // the endpoint makes one before its provider request (admit) and one after the answer (settle).
    await db.connect();
    const rtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await db.query('SELECT 1');
      rtt.push(performance.now() - t0);
    }
    const calibration: BenchRow = { bench: BENCH, case: 'one PostgreSQL round trip (SELECT 1), for scale', values: { 'p50 ms': percentile(rtt, 50), 'p99 ms': percentile(rtt, 99), n: rtt.length } };
    return [row(base, false), row(team, true), row(floor, true, false), calibration];
  } finally {
    await db.end().catch(() => {});
    for (const c of children.reverse()) await c.stop();
    await pg.stop();
    dir.cleanup();
  }
}

/** Budget decisions (admit in sb_admit, then settle) per second from 1 and from 2 processes on one database. */
async function budgetThroughput(): Promise<BenchRow[]> {
  const pg = await startTestPostgres();
  const dir = tempDir('sb-bench-budget-');
  const rows: BenchRow[] = [];
  try {
    const url = await pg.newDatabase();
    const server = await startTeamServer({ dataDir: dir.path, databaseUrl: url, port: 0, logger: silentLogger });
    const owner = readFileSync(join(dir.path, 'owner-token'), 'utf8').trim();
    const members: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await fetch(server.url + '/api/admin/members', { method: 'POST', headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `m${i}` }) });
      const m = (await r.json()) as { id: string };
      await fetch(`${server.url}/api/admin/members/${m.id}/limits`, { method: 'PUT', headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: JSON.stringify({ dailyTokens: 1e12, monthlyUsd: 1e6 }) });
      members.push(m.id);
    }
    await fetch(server.url + '/api/admin/team', { method: 'PUT', headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: JSON.stringify({ monthlyUsd: 1e6 }) });
    await server.close();

    // 1 in flight: one sb_admit round trip alone (then its settle), as a single turn pays it.
    const cases = [
      { replicas: 1, inFlight: 1, name: 'sb_admit round trip alone (1 replica, 1 in flight, then settle)' },
      { replicas: 1, inFlight: BUDGET_CONCURRENCY, name: `budget decisions, 1 replica (${BUDGET_CONCURRENCY} in flight, 40 members, team cap on)` },
      { replicas: 2, inFlight: BUDGET_CONCURRENCY, name: `budget decisions, 2 replicas (${BUDGET_CONCURRENCY} in flight, 40 members, team cap on)` },
    ];
    for (const { replicas, inFlight, name } of cases) {
      const perChild = Math.ceil(inFlight / replicas);
      const outs = await Promise.all(
        Array.from({ length: replicas }, (_, k) => runChild(url, members.filter((_, i) => i % replicas === k), perChild)),
      );
      const decisions = outs.reduce((n, o) => n + o.decisions, 0);
      const us = outs.flatMap((o) => o.admitUs);
      rows.push({
        bench: BENCH,
        case: name,
        values: { 'decisions/s': Math.round(decisions / BUDGET_SECONDS), 'admit p50 ms': percentile(us, 50) / 1000, 'admit p99 ms': percentile(us, 99) / 1000, refused: outs.reduce((n, o) => n + o.refused, 0) },
      });
    }
  } finally {
    await pg.stop();
    dir.cleanup();
  }
  return rows;
}

function runChild(url: string, members: string[], concurrency: number): Promise<{ decisions: number; refused: number; admitUs: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib', 'team-admit-child.ts'), url, JSON.stringify(members), String(BUDGET_SECONDS), String(concurrency)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    killOnExit(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { decisions: number; refused: number; admitUs: number[] }) : reject(new Error(`budget child exited ${code}`))));
  });
}

const bench: Bench = {
  name: BENCH,
  about: 'the OpenAI-compatible endpoint\'s added latency over calling the fake provider directly (streamed, usage chunk on), and budget decisions per second inside PostgreSQL from 1 and 2 processes',
  async run() {
    return [machineRow(BENCH), ...(await endpointLatency()), ...(await budgetThroughput())];
  },
};

export default bench;
