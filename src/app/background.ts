import type { Config } from "../config.js";
import type { Assembly } from "./assemble.js";
import type { Role } from "./roles.js";

/** What a process runs besides answering HTTP, started together and stopped in reverse. */
export interface Background {
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts the background work of the given roles: hearing other processes' events (every role), the queue's
 * workers (`worker`), the event relay (`api` or `worker`: one acts at a time, under a lease) and the
 * modules' tasks of each role (the reminder scheduler in `scheduler`).
 */
export async function startBackground(
  app: Assembly,
  roles: readonly Role[],
  config: Pick<Config, "workerConcurrency">,
): Promise<Background> {
  await app.listen();
  if (roles.includes("worker")) await app.queue.start({ concurrency: config.workerConcurrency });
  const relays = roles.includes("api") || roles.includes("worker");
  if (relays) await app.relay.start();
  const tasks = app.modules.flatMap((m) => m.tasks ?? []).filter((t) => roles.includes(t.role as Role));
  for (const t of tasks) await t.start();
  return {
    async stop(graceMs) {
      for (const t of tasks) await t.stop();
      await app.queue.stop({ graceMs });
      await app.relay.stop();
    },
  };
}
