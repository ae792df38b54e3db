import { spawn, type ChildProcess } from 'node:child_process';

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** A bench child process (see child-ipc.ts) that printed "listening on <url>". */
export interface BenchChild {
  readonly url: string;
  readonly pid: number;
  /** Asks the child a question over IPC (`cpu`, or one its script added). */
  ask<T>(question: string): Promise<T>;
  /** CPU time (µs) the child has used so far, all its threads: user, and system (syscalls: its sockets' kernel work). */
  cpuUs(): Promise<NodeJS.CpuUsage>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHooked = false;

/** Every exit path of the bench process kills what it started; a child also exits when its IPC channel closes. */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const c of running) c.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/** Kills `child` on the bench process's exit (signals and process.exit included) if it is still running. */
export function killOnExit(child: ChildProcess): void {
  hookExit();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Starts `node --import tsx <script> ...args` with an IPC channel; resolves with the URL from its "listening on" line. */
export function startBenchChild(script: string, args: string[], env: Record<string, string> = {}): Promise<BenchChild> {
  // e.g. SB_BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (node refuses --cpu-prof in NODE_OPTIONS)
  const nodeArgs = (process.env.SB_BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  child.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.value);
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`${script} exited`));
    pending.clear();
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const ask = <T>(question: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, ask: question });
    });

  return new Promise<BenchChild>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${script} printed no "listening on" line within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(err));
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // later lines are drained, not kept
      resolve({
        url: m[1]!,
        pid: child.pid!,
        ask,
        cpuUs: () => ask<NodeJS.CpuUsage>('cpu'),
        stop,
      });
    };
    child.stdout!.on('data', onData);
    void exited.then(() => fail(new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before listening`)));
  });
}
