import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Live updates inside one process: the staff console and web chat pages listen with
 * server-sent events. (Across replicas this becomes Redis pub/sub.)
 */
export class Hub {
  private readonly emitter = new EventEmitter();
  private readonly streams = new Set<ServerResponse>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(topic: string, data: unknown): void {
    this.emitter.emit(topic, data);
  }

  /** Streams a topic to an HTTP response as server-sent events until the client goes away. */
  stream(topic: string, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 25_000);
    this.emitter.on(topic, send);
    this.streams.add(res);
    res.on('close', () => {
      clearInterval(keepAlive);
      this.emitter.off(topic, send);
      this.streams.delete(res);
    });
  }

  /** Ends every open stream (at shutdown; browsers reconnect to another replica). */
  endAll(): void {
    for (const res of this.streams) res.end();
  }
}
