import type { ChatMessage } from '../shared/contract/index.js';
import { benchFixture, type BenchFixture, type BenchWire } from './lib/fixture.js';
import { firstTurnsInChild, WIRES } from './lib/first-turn.js';
import { machineRow } from './lib/machine.js';
import { percentile } from './lib/stats.js';
import { meteredRouterPath, stubRouterPath } from './lib/stub-router.js';
import { coreTurn, directTurn, lastBody, timed, type Turn } from './lib/turns.js';
import type { Bench, BenchRow } from './lib/types.js';

const BENCH = 'router overhead';
const TURNS = 300;
const WARMUP = 30;
const TARGET_MS = 1;
// The fake's default reply (~20 words) streams as ~10 text deltas plus a usage chunk.
const PROMPT = 'Say hello in one sentence.';
const SHORT: ChatMessage[] = [{ role: 'user', content: PROMPT }];

// A conversation 41 messages / ~60k characters (~13k tokens) long: what every later turn of a long chat sends.
const LONG_TURNS = 100;
const LONG: ChatMessage[] = [
  ...Array.from({ length: 40 }, (_, i): ChatMessage => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `Message ${i}: ${'The quick brown fox jumps over the lazy dog while the router counts every token. '.repeat(18)}`,
  })),
  { role: 'user', content: PROMPT },
];

interface Path {
  name: string;
  op: Turn;
  ms: number[];
  firstMs: number[];
}

const path = (name: string, op: Turn): Path => ({ name, op, ms: [], firstMs: [] });

/**
 * Runs every path `turns` times, rotating which goes first each round, so drift (GC, JIT, other
 * processes on the machine) falls on all paths alike. Checks every path gives the same answer.
 */
async function interleave(paths: Path[], turns: number, warmup: number): Promise<void> {
  const expected = (await paths[0]!.op()).text.trim();
  for (const p of paths.slice(1)) {
    const got = (await p.op()).text.trim();
    if (got !== expected) throw new Error(`${p.name} answered ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  }
  for (let i = 0; i < warmup; i++) for (const p of paths) await p.op();
  for (let i = 0; i < turns; i++) {
    for (let j = 0; j < paths.length; j++) {
      const p = paths[(i + j) % paths.length]!;
      const t = await timed(p.op);
      p.ms.push(t.ms);
      if (t.firstMs !== null) p.firstMs.push(t.firstMs);
    }
  }
}

/** One row per path; every path but the baseline also shows what it adds to it (p50 − p50, p99 − p99). */
function pathRow(label: string, p: Path, base: Path | null, target: boolean): BenchRow {
  const p50 = percentile(p.ms, 50);
  const p99 = percentile(p.ms, 99);
  const ttft = percentile(p.firstMs, 50);
  const values: BenchRow['values'] = { 'p50 ms': p50, 'p99 ms': p99, 'ttft p50 ms': ttft, n: p.ms.length };
  if (!base) return { bench: BENCH, case: label, values };
  const added = p50 - percentile(base.ms, 50);
  values.ratio = `${(p50 / percentile(base.ms, 50)).toFixed(2)}×`;
  values['+p50 ms'] = added;
  values['+p99 ms'] = p99 - percentile(base.ms, 99);
  values['+ttft ms'] = ttft - percentile(base.firstMs, 50);
  return { bench: BENCH, case: label, values, ...(target ? { target: `+p50 < ${TARGET_MS} ms`, met: added < TARGET_MS } : {}) };
}

async function measureWire(fx: BenchFixture, wire: BenchWire, first: { direct: number; router: number }): Promise<BenchRow[]> {
  const core = path('core chat.send', coreTurn(fx, wire, SHORT));
  await core.op(); // so the fake has logged the router's body for the direct client to copy
  const direct = path('direct SDK', directTurn(fx, wire, lastBody(fx)));
  const stub = stubRouterPath(fx, wire, SHORT);
  const metered = meteredRouterPath(fx, wire, SHORT);
  const alone = path('ChatRouter alone', stub.turn);
  const withMetering = path('ChatRouter + metering', metered.turn);
  try {
    await interleave([direct, alone, withMetering, core], TURNS, WARMUP);
  } finally {
    stub.close();
    metered.close();
  }
  return [
    { bench: BENCH, case: `${wire}: first turn, direct SDK (fresh process)`, values: { 'first ms': first.direct } },
    { bench: BENCH, case: `${wire}: first turn, core chat.send (fresh process)`, values: { 'first ms': first.router } },
    pathRow(`${wire}: direct SDK`, direct, null, false),
    pathRow(`${wire}: ChatRouter alone (stub keys, no ledger)`, alone, direct, false),
    pathRow(`${wire}: ChatRouter + metering (stub keys)`, withMetering, direct, false),
    pathRow(`${wire}: core chat.send (router − direct)`, core, direct, true),
  ];
}

async function measureLong(fx: BenchFixture): Promise<BenchRow[]> {
  const core = path('core chat.send', coreTurn(fx, 'openai', LONG, 'openai-long'));
  await core.op();
  const direct = path('direct SDK', directTurn(fx, 'openai', lastBody(fx)));
  await interleave([direct, core], LONG_TURNS, 10);
  const chars = LONG.reduce((n, m) => n + m.content.length, 0);
  const label = `openai, ${LONG.length} msgs / ${Math.round(chars / 1000)}k chars`;
  return [pathRow(`${label}: direct SDK`, direct, null, false), pathRow(`${label}: core chat.send`, core, direct, true)];
}

/** Router overhead per streamed turn: the official SDK straight at the fake server vs the same turn through core.call('chat.send'). */
const bench: Bench = {
  name: 'router-overhead',
  about: `streamed turn: direct SDK vs core chat.send (incl. ledger reserve + settle) and two partial routers, ${TURNS} turns each per wire after ${WARMUP} warm-up`,
  async run() {
    // Cold first turns in fresh processes, before this process warms anything.
    const firstRouter = await firstTurnsInChild('router', PROMPT);
    const firstDirect = await firstTurnsInChild('direct', PROMPT);
    const rows: BenchRow[] = [machineRow(BENCH)];
    const fx = await benchFixture();
    try {
      for (const wire of WIRES) rows.push(...(await measureWire(fx, wire, { direct: firstDirect[wire], router: firstRouter[wire] })));
      rows.push(...(await measureLong(fx)));
      return rows;
    } finally {
      await fx.close();
    }
  },
};
export default bench;
