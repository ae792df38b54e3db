import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SwitchableProxy {
  url: string;
  /** Offline: every connection is dropped at once, as on a machine without network. */
  setOnline(online: boolean): void;
  /**
   * The next request to `path` reaches the server, but its answer never reaches the app (the
   * connection is cut); `then` runs after the server answered and before the cut.
   */
  cutNextAnswer(path: string, then?: () => void): void;
  close(): Promise<void>;
}

/** An HTTP proxy in front of a server on loopback, to take the network away from the app in tests. */
export async function switchableProxy(target: string): Promise<SwitchableProxy> {
  let online = true;
  let cut: string | null = null;
  let afterCut: (() => void) | null = null;
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const cutThis = cut !== null && req.url?.startsWith(cut);
      const hook = cutThis ? afterCut : null;
      if (cutThis) {
        cut = null;
        afterCut = null;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      void fetch(target + (req.url ?? '/'), { method: req.method ?? 'GET', headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}), redirect: 'manual' }).then(
        async (up) => {
          const body = Buffer.from(await up.arrayBuffer());
          if (cutThis) {
            hook?.();
            req.socket.destroy();
            return;
          }
          const out: Record<string, string> = {};
          up.headers.forEach((v, k) => {
            if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'content-length') out[k] = v;
          });
          res.writeHead(up.status, out);
          res.end(body);
        },
        () => req.socket.destroy(),
      );
    });
  });
  server.on('connection', (s) => {
    if (!online) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    setOnline(next) {
      online = next;
      if (!next) for (const s of sockets) s.destroy();
    },
    cutNextAnswer(path, then) {
      cut = path;
      afterCut = then ?? null;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
