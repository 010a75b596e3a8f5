/** Stops one subscription. */
export type Unsubscribe = () => Promise<void>;

/**
 * The PubSub port: fire-and-forget messages to every process that shares the bus, this one included.
 * Nothing is stored: a process that is not subscribed when a message is published never sees it, so use
 * it for hints that make caches exact (invalidations, "something changed"), never for work that must
 * happen — that is what the queue is for.
 */
export interface PubSub {
  readonly kind: "memory" | "redis";
  /** Publishes `message` on `channel`; resolves once the bus has it. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `handler` for every message published on `channel` from now on, in publish order per
   * publisher. Resolves once the subscription is live. A handler that throws is logged and skipped.
   */
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
  /** Ends every subscription and connection; idempotent. Publishing afterwards throws. */
  close(): Promise<void>;
}

export interface PubSubLog {
  error(obj: object, msg: string): void;
}

/** Runs one handler, so a failing subscriber never stops the others. */
export function deliver(handler: (message: string) => void, message: string, log?: PubSubLog): void {
  try {
    handler(message);
  } catch (err) {
    log?.error({ err }, "pub/sub handler failed");
  }
}
