import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envWithoutProviderKeys } from './env.js';

const ROOT = join(import.meta.dirname, '..', '..');
const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

export interface HostProcess {
  url: string;
  token: string;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
  rpc<T = any>(method: string, body?: unknown): Promise<{ status: number; json: T }>;
  stop(): Promise<void>;
}

/**
 * `npm run web` as a child process on a free port, the way a user starts it, with the given umask (the
 * usual 022 by default, so folder modes are the app's doing). Resolves when it prints its listening
 * line; rejects with its output when it exits first.
 */
export async function startHostProcess(options: { dataDir: string; staticDir: string; umask?: string }): Promise<HostProcess> {
  mkdirSync(options.staticDir, { recursive: true });
  writeFileSync(join(options.staticDir, 'index.html'), '<!doctype html><html><body>app</body></html>');
  const cmd = `umask ${options.umask ?? '022'}; exec "$0" --import tsx electron/host/cli.ts --port 0 --data-dir "$1" --static-dir "$2"`;
  const child = spawn('/bin/sh', ['-c', cmd, process.execPath, options.dataDir, options.staticDir], {
    cwd: ROOT,
    env: { ...envWithoutProviderKeys(), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      output += d;
      const m = READY.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the web host exited with ${code}:\n${output}`)));
  });
  const token = readFileSync(join(options.dataDir, 'host-token'), 'utf8').trim();
  return {
    url,
    token,
    output: () => output,
    rpc: async (method, body = {}) => {
      const res = await fetch(`${url}/api/rpc/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
