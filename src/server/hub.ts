import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ReplicaLink } from '../replicas/index.js';

/**
 * Live updates: the staff console and web chat pages listen with server-sent events. In one
 * process an event emitter carries them; with REDIS_URL, Redis pub/sub, so that a console
 * connected to any replica sees everything.
 */
export class Hub {
  private readonly emitter = new EventEmitter();
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly link?: ReplicaLink) {
    this.emitter.setMaxListeners(0);
    // With replicas, updates go through Redis and come back to every replica, this one included.
    link?.onMessage(({ topic, data }) => this.emitter.emit(topic, data));
  }

  publish(topic: string, data: unknown): void {
    if (this.link) this.link.publish(topic, data);
    else this.emitter.emit(topic, data);
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
