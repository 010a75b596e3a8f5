import type { Redis } from "ioredis";
import type { Leases } from "./leases.js";

/** Deletes the key only while it still holds this holder's token. */
const GIVE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Leases as Redis keys (`SET key holder NX PX ttl`): Redis's own clock times them out. */
export class RedisLeases implements Leases {
  private client: Promise<Redis> | undefined;

  constructor(private readonly o: { url: string; prefix?: string }) {}

  private redis(): Promise<Redis> {
    // ioredis is loaded only when a lease is first used.
    this.client ??= import("ioredis").then(
      ({ Redis: Client }) => new Client(this.o.url, { maxRetriesPerRequest: 3 }),
    );
    return this.client;
  }

  private key(name: string): string {
    return `${this.o.prefix ?? "readlog"}:lease:${name}`;
  }

  async take(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const r = await (await this.redis()).set(this.key(name), holder, "PX", Math.max(1, ttlMs), "NX");
    return r === "OK";
  }

  async give(name: string, holder: string): Promise<void> {
    await (await this.redis()).eval(GIVE, 1, this.key(name), holder);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await (await c).quit().catch(() => {});
  }
}
