import { once } from 'node:events';
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { benchFixture } from './lib/fixture.js';
import { rpc, type HostAddress } from './lib/http.js';
import { machineRow } from './lib/machine.js';
import { percentile } from './lib/stats.js';
import type { Bench, BenchRow } from './lib/types.js';

const BENCH = 'web host throughput';
const DURATION_MS = 1_500;
const WARMUP_MS = 500;
const METHODS: Array<{ method: string; input: unknown; about: string }> = [
  { method: 'settings.get', input: {}, about: 'settings.get' },
  { method: 'keys.list', input: {}, about: 'keys.list (3 keys)' },
];

/** `clients` keep-alive connections, each sending its next call as soon as the previous one answers, for `ms`. */
async function load(host: HostAddress, method: string, input: unknown, clients: number, ms: number): Promise<{ calls: number; latencies: number[]; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + ms;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const res = await rpc(host, method, input, agent);
          if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
          latencies.push(performance.now() - t0);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { calls: latencies.length, latencies, seconds: (performance.now() - started) / 1000 };
}

/**
 * A bare node:http server answering `{}` to every POST: the ceiling this harness can measure (client
 * and server share one thread), so the gap to it is what the web host itself costs.
 */
async function bareServer(): Promise<{ address: HostAddress; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end('{}'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: { port: (server.address() as AddressInfo).port, token: 'unused' },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** RPC calls per second over the web host (POST /api/rpc/<method>, bearer token, JSON), 1 and 16 concurrent keep-alive clients. */
const bench: Bench = {
  name: 'web-host-throughput',
  about: `cheap RPC methods over the web host, ${DURATION_MS / 1000} s per case after ${WARMUP_MS} ms warm-up; client and host share one process`,
  async run() {
    const fx = await benchFixture();
    try {
      const { host, token } = await fx.webHost();
      const address = { port: host.port, token };
      const rows: BenchRow[] = [machineRow(BENCH)];
      const bare = await bareServer();
      try {
        for (const clients of [1, 16]) {
          await load(bare.address, 'bare', {}, clients, WARMUP_MS);
          const r = await load(bare.address, 'bare', {}, clients, DURATION_MS);
          rows.push({
            bench: BENCH,
            case: `baseline: bare node:http, ${clients} client${clients === 1 ? '' : 's'}`,
            values: { 'calls/s': r.calls / r.seconds, 'p50 ms': percentile(r.latencies, 50), 'p99 ms': percentile(r.latencies, 99), n: r.calls },
          });
        }
      } finally {
        await bare.close();
      }
      for (const m of METHODS) {
        for (const clients of [1, 16]) {
          await load(address, m.method, m.input, clients, WARMUP_MS);
          const r = await load(address, m.method, m.input, clients, DURATION_MS);
          rows.push({
            bench: BENCH,
            case: `${m.about}, ${clients} client${clients === 1 ? '' : 's'}`,
            values: { 'calls/s': r.calls / r.seconds, 'p50 ms': percentile(r.latencies, 50), 'p99 ms': percentile(r.latencies, 99), n: r.calls },
          });
        }
      }
      return rows;
    } finally {
      await fx.close();
    }
  },
};
export default bench;
