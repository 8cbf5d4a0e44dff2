import { Redis } from 'ioredis';

/**
 * What several replicas share through Redis: a lock per conversation (one conversation's
 * messages are handled one at a time, whichever replica received them), rate-limit counters,
 * and publish/subscribe for live updates. The store stays the record of everything.
 */
export class ReplicaLink {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, ((data: unknown) => void)[]>();

  constructor(url: string, private readonly prefix = 'milestone:') {
    this.client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: 3 });
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const topic = channel.slice(this.prefix.length + 'pub:'.length);
      for (const handler of this.handlers.get('*') ?? []) handler({ topic, data: JSON.parse(message) as unknown });
    });
    void this.subscriber.psubscribe(`${this.prefix}pub:*`);
  }

  /**
   * Runs `task` in its turn for `key`, across replicas: a ticket lock (INCR a ticket, wait
   * until the "serving" counter reaches it), so one conversation's messages are handled one
   * at a time and in the order they reached Redis, whichever replica took them. A turn held
   * longer than `waitMs` (a replica that died) is skipped rather than losing the message.
   */
  async withLock<T>(key: string, task: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
    const next = `${this.prefix}turn:${key}:next`;
    const serving = `${this.prefix}turn:${key}:serving`;
    const ticket = await this.client.incr(next);
    await this.client.pexpire(next, 3_600_000);
    const deadline = Date.now() + (options.waitMs ?? 15_000);
    while (Number((await this.client.get(serving)) ?? 0) < ticket - 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    try {
      return await task();
    } finally {
      // Never move the counter back: a later ticket that timed out may already have moved it on.
      await this.client.eval(
        'local v = tonumber(redis.call("get", KEYS[1]) or "0"); if v < tonumber(ARGV[1]) then redis.call("set", KEYS[1], ARGV[1], "PX", 3600000) end; return 0',
        1,
        serving,
        String(ticket),
      );
    }
  }

  /** Counts a hit of `key` in the current window; true while within `limit`. */
  async allow(key: string, limit: number, windowMs: number): Promise<boolean> {
    const counter = `${this.prefix}rate:${key}:${Math.floor(Date.now() / windowMs)}`;
    const count = await this.client.incr(counter);
    if (count === 1) await this.client.pexpire(counter, windowMs * 2);
    return count <= limit;
  }

  publish(topic: string, data: unknown): void {
    void this.client.publish(`${this.prefix}pub:${topic}`, JSON.stringify(data));
  }

  /** Every message published by any replica, with its topic. */
  onMessage(handler: (message: { topic: string; data: unknown }) => void): void {
    const list = this.handlers.get('*') ?? [];
    list.push(handler as (data: unknown) => void);
    this.handlers.set('*', list);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }
}
