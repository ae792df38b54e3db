import type { ServerResponse } from 'node:http';
import type { AnyEvent } from '../../shared/contract/index.js';

const KEEPALIVE_MS = 15_000;

/** Server-sent events to every connected renderer; slow clients are dropped rather than buffered without bound. */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly timer: NodeJS.Timeout;
  private nextId = 1;

  constructor(private readonly maxBufferedBytes = 8 * 1024 * 1024) {
    this.timer = setInterval(() => this.writeAll(': keepalive\n\n'), KEEPALIVE_MS);
    this.timer.unref();
  }

  add(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  send(event: AnyEvent): void {
    if (this.clients.size === 0) return;
    this.writeAll(`id: ${this.nextId++}\nevent: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
  }

  private writeAll(frame: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBufferedBytes) {
        res.destroy();
        this.clients.delete(res);
        continue;
      }
      res.write(frame);
    }
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
