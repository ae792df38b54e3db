import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../electron/core/app/logger.js';
import { createCore } from '../electron/core/core.js';
import { startWebHost } from '../electron/host/server.js';
import { summarize, timeUs } from './lib/stats.js';
import type { Bench } from './lib/types.js';

const N = 5000;
const WARMUP = 500;
const ctx = { transport: 'internal' as const, actor: 'bench' };

/** Contract round trip of a cheap method (settings.get): in-process vs over the web host (keep-alive HTTP). */
const bench: Bench = {
  name: 'contract-roundtrip',
  about: `settings.get, ${N} sequential calls after ${WARMUP} warm-up`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
    const staticDir = join(dir, 'static');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<html></html>');
    // env: {} so a developer's real OPENAI_API_KEY etc. never joins the bench as an environment key.
    const core = await createCore({ dataDir: join(dir, 'data'), transport: 'web', version: 'bench', logger: silentLogger, env: {} });
    const token = 'bench-token-' + 'x'.repeat(32);
    const host = await startWebHost({ core, token, staticDir, port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = '{}';
    const viaHttp = () =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: host.port,
            method: 'POST',
            path: '/api/rpc/settings.get',
            agent,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': body.length },
          },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const inProcess = () => core.call('settings.get', {}, ctx);

    const rows = [];
    for (const [name, op] of [
      ['in-process', inProcess],
      ['web host (HTTP)', viaHttp],
    ] as const) {
      for (let i = 0; i < WARMUP; i++) await op();
      const samples: number[] = [];
      for (let i = 0; i < N; i++) samples.push(await timeUs(op));
      const s = summarize(samples);
      rows.push({ bench: 'contract round trip', case: name, values: { 'p50 µs': s.p50, 'p99 µs': s.p99, n: s.n } });
    }
    agent.destroy();
    await host.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
    return rows;
  },
};
export default bench;
