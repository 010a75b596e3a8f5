import pino from "pino";
import { collectDefaultMetrics } from "prom-client";
import { type Config, loadConfig } from "../config.js";
import { assemble } from "./assemble.js";
import { startBackground } from "./background.js";
import { buildHttpApp } from "./http.js";
import { ROLES, type Role } from "./roles.js";

/**
 * Starts the given roles (default all in one process) and drains them on SIGTERM/SIGINT: in-flight
 * requests finish, background tasks (the scheduler) give up their leases, running jobs finish within the
 * grace period or go back to the queue, then the process exits 0. The event relay runs wherever the api
 * or worker role does (one acts at a time, under a lease).
 */
export async function serve(
  config: Config = loadConfig(),
  opts: { roles?: readonly Role[] } = {},
): Promise<void> {
  const roles = opts.roles ?? ROLES;
  const log = pino({ level: config.logLevel });
  const app = await assemble(config, { log });
  collectDefaultMetrics({ register: app.metrics.registry, prefix: "readlog_" });
  const http = roles.includes("api") ? await buildHttpApp(app) : undefined;
  if (http) await http.listen({ port: config.port, host: config.host });
  const background = await startBackground(app, roles, config);
  // Without the HTTP server nothing else holds the event loop open.
  const keepAlive = http ? undefined : setInterval(() => {}, 1 << 30);
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
      await http?.close();
      await background.stop(Math.max(0, config.shutdownTimeoutMs - 2_000));
      await app.close();
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
