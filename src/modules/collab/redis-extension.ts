import type { Extension } from "@hocuspocus/server";

/**
 * Hocuspocus's Redis extension on its own connections: documents (updates, awareness) shared by every
 * instance on the same Redis, and one instance at a time storing each (a Redis lock). Closed by the
 * server's onDestroy. (Loaded only when Redis is configured.)
 */
export async function redisExtension(
  url: string,
  /** Names the keys and channels (tests give each run its own). */
  prefix = "readlog:collab",
): Promise<Extension> {
  const { Redis: Client } = await import("ioredis");
  const { Redis } = await import("@hocuspocus/extension-redis");
  return new Redis({ createClient: () => new Client(url, { maxRetriesPerRequest: null }), prefix });
}
