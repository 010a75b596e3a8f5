import type { ServerOptions } from "socket.io";

/**
 * The Socket.IO Redis streams adapter on its own connection: rooms, broadcasts and `fetchSockets` span
 * every process on the same Redis. (Loaded only when Redis is configured.)
 */
export async function redisAdapter(
  url: string,
  /** Names the stream and channels (tests give each run its own). */
  prefix = "readlog",
): Promise<{ factory: ServerOptions["adapter"]; close(): Promise<void> }> {
  const { Redis } = await import("ioredis");
  const { createAdapter } = await import("@socket.io/redis-streams-adapter");
  const client = new Redis(url, { maxRetriesPerRequest: null });
  return {
    factory: createAdapter(client, {
      streamName: `${prefix}:socket.io`,
      channelPrefix: `${prefix}:socket.io`,
      blockTimeInMs: 1_000,
    }),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
