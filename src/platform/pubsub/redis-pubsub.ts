import { Redis } from "ioredis";
import { deliver, type PubSub, type PubSubLog, type Unsubscribe } from "./pubsub.js";

export interface RedisPubSubOptions {
  url: string;
  /** Prepended to every channel name, so several installations can share one Redis. */
  prefix?: string;
  log?: PubSubLog;
}

/**
 * Redis PUBLISH/SUBSCRIBE: every process connected to the same Redis (and prefix) gets every message.
 * A subscribed connection can do nothing else, so publishing and subscribing use one connection each;
 * the subscriber is opened on the first subscribe. ioredis re-subscribes by itself after a reconnect.
 */
export class RedisPubSub implements PubSub {
  readonly kind = "redis";
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private readonly prefix: string;
  private closed = false;

  constructor(private readonly opts: RedisPubSubOptions) {
    this.prefix = `${opts.prefix ?? "readlog"}:`;
    this.publisher = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.closed) throw new Error("pub/sub is closed");
    await this.publisher.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    if (this.closed) throw new Error("pub/sub is closed");
    const sub = this.connectSubscriber();
    const full = this.prefix + channel;
    let set = this.handlers.get(full);
    if (!set) {
      set = new Set();
      this.handlers.set(full, set);
      await sub.subscribe(full);
    }
    const own = (message: string) => deliver(handler, message, this.opts.log);
    set.add(own);
    return async () => {
      const current = this.handlers.get(full);
      if (!current?.delete(own) || current.size > 0) return;
      this.handlers.delete(full);
      if (!this.closed) await sub.unsubscribe(full);
    };
  }

  private connectSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = new Redis(this.opts.url, { maxRetriesPerRequest: null });
    sub.on("message", (channel: string, message: string) => {
      for (const h of this.handlers.get(channel) ?? []) h(message);
    });
    sub.on("error", (err) => this.opts.log?.error({ err }, "pub/sub connection error"));
    this.subscriber = sub;
    return sub;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all([quit(this.publisher), this.subscriber && quit(this.subscriber)]);
  }
}

/** Closes a connection politely; one that never connected (lazy) is just dropped. */
async function quit(r: Redis): Promise<void> {
  if (r.status === "wait" || r.status === "end") return r.disconnect();
  await r.quit().catch(() => r.disconnect());
}
