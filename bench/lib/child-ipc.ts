// The child side of a bench child process: answers the bench's questions over the IPC channel node
// opens for `spawn(..., { stdio: [..., 'ipc'] })` (never over HTTP, so no endpoint is added), and
// exits when the bench goes away without stopping it (its end of the channel closes on any exit,
// SIGKILL included), so no child outlives its bench.

export type IpcHandlers = Record<string, () => unknown>;

/** Replies to `{ id, ask }` with `{ id, value }`; `cpu` (this process's CPU time in µs) is always answered. */
export function serveBenchIpc(handlers: IpcHandlers = {}): void {
  if (!process.send) throw new Error('a bench child must be started with an IPC channel');
  const all: IpcHandlers = { cpu: () => process.cpuUsage(), ...handlers };
  process.on('message', (m: { id: number; ask: string }) => {
    const handler = all[m.ask];
    process.send!({ id: m.id, ...(handler ? { value: handler() } : { error: `unknown question "${m.ask}"` }) });
  });
  process.on('disconnect', () => process.exit(0));
}
