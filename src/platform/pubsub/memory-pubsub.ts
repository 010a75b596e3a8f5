import { EventEmitter } from "node:events";
import { deliver, type PubSub, type PubSubLog, type Unsubscribe } from "./pubsub.js";

/**
 * The in-process bus (the default, with no Redis): every subscriber in this process gets every message.
 * Delivery is asynchronous, as it is over Redis, so a publisher never runs its subscribers' code inline.
 * Instances built on the same `bus` share it (tests use that to stand for several processes).
 */
export class MemoryPubSub implements PubSub {
  readonly kind = "memory";
  private closed = false;
  private readonly mine = new Set<() => void>();

  constructor(
    private readonly bus: EventEmitter = new EventEmitter().setMaxListeners(0),
    private readonly log?: PubSubLog,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    if (this.closed) throw new Error("pub/sub is closed");
    queueMicrotask(() => this.bus.emit(channel, message));
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    if (this.closed) throw new Error("pub/sub is closed");
    const listener = (message: string) => deliver(handler, message, this.log);
    this.bus.on(channel, listener);
    const off = () => {
      this.bus.off(channel, listener);
      this.mine.delete(off);
    };
    this.mine.add(off);
    return async () => off();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const off of [...this.mine]) off();
  }
}
