import pino from "pino";
import { collectDefaultMetrics } from "prom-client";
import { type Config, loadConfig } from "../config.js";
import { createServices } from "../container.js";
import { Scheduler } from "../modules/reminders/scheduler.js";
import { buildServer } from "../platform/http/server.js";
import { ROLES, type Role } from "./roles.js";

/**
 * Starts the given roles (default all three in one process) and drains them on SIGTERM/SIGINT: in-flight
 * requests finish, the scheduler gives up its lease, running jobs finish within the grace period or go back
 * to the queue, then the process exits 0.
 */
export async function serve(
  config: Config = loadConfig(),
  opts: { roles?: readonly Role[] } = {},
): Promise<void> {
  const roles = opts.roles ?? ROLES;
  const log = pino({ level: config.logLevel });
  const services = await createServices(config, { log });
  collectDefaultMetrics({ register: services.metrics.registry, prefix: "readlog_" });
  const app = roles.includes("api") ? await buildServer(config, services) : undefined;
  if (app) await app.listen({ port: config.port, host: config.host });
  if (roles.includes("worker")) {
    await services.queue.start({ concurrency: config.workerConcurrency });
    // Jobs queue messages (reminders); this process delivers them even without the api role.
    services.outbox.start();
  }
  const scheduler = roles.includes("scheduler")
    ? new Scheduler({
        db: services.db,
        repo: services.remindersRepo,
        queue: services.queue,
        clock: services.clock,
        log,
      })
    : undefined;
  scheduler?.start();
  // Without the HTTP server nothing else holds the event loop open.
  const keepAlive = app ? undefined : setInterval(() => {}, 1 << 30);
  log.info({ roles }, "readlog started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, roles }, "shutting down: draining in-flight requests and jobs");
    const timer = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      clearInterval(keepAlive);
      await scheduler?.stop();
      await app?.close();
      await services.queue.stop({ graceMs: Math.max(0, config.shutdownTimeoutMs - 2_000) });
      await services.queue.close();
      await services.outbox.stop();
      await services.pubsub.close();
      await services.database.close();
      log.info("stopped cleanly");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error while shutting down");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
