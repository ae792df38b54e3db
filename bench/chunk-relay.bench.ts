import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AnyEvent } from '../shared/contract/index.js';
import { benchFixture, type BenchFixture } from './lib/fixture.js';
import { connectEvents, rpc, type HostAddress } from './lib/http.js';
import { machineRow } from './lib/machine.js';
import { percentile } from './lib/stats.js';
import type { Bench, BenchRow } from './lib/types.js';

// The fake streams two words per delta: 400 words → 200 chat.delta events per turn.
const WORDS = 400;
const REPLY = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(' ');

interface Case {
  name: string;
  streams: number;
  delayMs: number;
  /** Rounds of `streams` concurrent turns, so the 1-stream baseline gets enough samples too. */
  rounds: number;
}

const CASES: Case[] = [
  { name: '1 stream, 5 ms between chunks', streams: 1, delayMs: 5, rounds: 4 },
  { name: '20 streams, 5 ms between chunks', streams: 20, delayMs: 5, rounds: 1 },
  { name: '20 streams, no delay (saturated)', streams: 20, delayMs: 0, rounds: 1 },
];

/**
 * chat.delta relay latency, core → renderer over the web host: from the moment the router emits a
 * delta (an onEvent listener registered before the host's, same process, same clock) to the moment an
 * SSE client on GET /api/events has parsed it.
 */
async function runCase(fx: BenchFixture, host: HostAddress, c: Case, tag: string): Promise<BenchRow> {
  const emitted = new Map<string, number[]>();
  const latencies: number[] = [];
  const received = new Map<string, number>();
  const done = new Set<string>();
  let firstEmit = Infinity;
  let lastRecv = 0;
  let wake: (() => void) | null = null;
  let problem: string | null = null;
  const ours = (id: string) => id.startsWith(tag);

  const off = fx.core.onEvent((e: AnyEvent) => {
    if (e.name !== 'chat.delta' || !ours(e.payload.streamId)) return;
    const t = performance.now();
    if (t < firstEmit) firstEmit = t;
    let list = emitted.get(e.payload.streamId);
    if (!list) emitted.set(e.payload.streamId, (list = []));
    list.push(t);
  });
  const sse = await connectEvents(host, (ev) => {
    const t = performance.now();
    if (ev.event !== 'chat.delta' && ev.event !== 'chat.done' && ev.event !== 'chat.error') return;
    const { streamId } = JSON.parse(ev.data) as { streamId: string };
    if (!ours(streamId)) return;
    if (ev.event !== 'chat.delta') {
      done.add(streamId);
      if (wake && done.size === c.streams * c.rounds) wake();
      return;
    }
    const seq = received.get(streamId) ?? 0;
    received.set(streamId, seq + 1);
    const sent = emitted.get(streamId)?.[seq];
    // Thrown after the case: an exception here would surface inside the socket's data handler.
    if (sent === undefined) problem ??= `delta ${seq} of ${streamId} arrived before it was emitted`;
    else latencies.push(t - sent);
    lastRecv = t;
  });

  // How late the event loop ran while the case ran: a relay tail that matches it is the loop (or the
  // OS scheduler) being busy elsewhere, not the relay path itself.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const agent = new Agent({ keepAlive: true, maxSockets: c.streams });
  const allDone = new Promise<void>((resolve) => (wake = resolve));
  try {
    const content = `Relay bench. [[delay:${c.delayMs}]] [[reply:${REPLY}]]`;
    for (let r = 0; r < c.rounds; r++) {
      const turns = Array.from({ length: c.streams }, async (_, i) => {
        const streamId = `${tag}-r${r}-s${i}`;
        const res = await rpc(
          host,
          'chat.send',
          { sessionId: streamId, target: { keyId: fx.keyIds.openai, model: 'gpt-4o-mini' }, messages: [{ role: 'user', content }], stream: true, streamId },
          agent,
        );
        if (res.status !== 200) throw new Error(`chat.send ${streamId}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      });
      await Promise.all(turns);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('chunk-relay: chat.done never arrived')), 30_000)));
    try {
      await Promise.race([allDone, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    loop.disable();
    agent.destroy();
    sse.close();
    off();
  }

  if (problem) throw new Error(`chunk-relay: ${problem}`);
  const expected = c.streams * c.rounds * (WORDS / 2);
  if (latencies.length !== expected) throw new Error(`chunk-relay: ${latencies.length} deltas received, ${expected} expected`);
  const seconds = (lastRecv - firstEmit) / 1000;
  return {
    bench: 'chunk relay (SSE)',
    case: c.name,
    values: {
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'max ms': Math.max(...latencies),
      'events/s': latencies.length / seconds,
      n: latencies.length,
      'loop max ms': loop.max / 1e6,
    },
  };
}

const bench: Bench = {
  name: 'chunk-relay',
  about: `chat.delta emit → parsed by an SSE client on GET /api/events (web host), ${WORDS / 2} deltas per turn`,
  async run() {
    const fx = await benchFixture();
    try {
      const { host, token } = await fx.webHost();
      const address = { port: host.port, token };
      // Warm-up: tokenizer, SDK client, ledger statements and the SSE path are loaded before measuring.
      await runCase(fx, address, { name: 'warm-up', streams: 2, delayMs: 0, rounds: 2 }, 'warm');
      const rows: BenchRow[] = [machineRow('chunk relay (SSE)')];
      for (const [i, c] of CASES.entries()) rows.push(await runCase(fx, address, c, `case${i}`));
      return rows;
    } finally {
      await fx.close();
    }
  },
};
export default bench;
