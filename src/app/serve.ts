import { createServer, type Server } from "node:http";
import pino from "pino";
import { collectDefaultMetrics } from "prom-client";
import { type Config, loadConfig } from "../config.js";
import { AppError } from "../platform/errors.js";
import { problemDocument } from "../platform/http/problem.js";
import { assemble } from "./assemble.js";
import { startBackground } from "./background.js";
import { buildHttpApp } from "./http.js";
import { ROLES, type Role } from "./roles.js";

/**
 * Starts the given roles (default all in one process; the realtime role's WebSockets share the API's
 * server) and drains them on SIGTERM/SIGINT: in-flight
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
  const attachments = app.modules
    .flatMap((m) => m.attachments ?? [])
    .filter((a) => roles.includes(a.role as Role));
  // A role that serves WebSockets alone gets a bare server: it answers nothing but its upgrades.
  const bare: Server | undefined =
    !http && attachments.length > 0
      ? createServer((req, res) => {
          const body = JSON.stringify(
            problemDocument(
              new AppError(404, "not-found", "Not found", "This process serves WebSockets only"),
              req.url,
            ),
          );
          res.writeHead(404, {
            "content-type": "application/problem+json",
            "content-length": Buffer.byteLength(body),
          });
          res.end(body);
        })
      : undefined;
  for (const a of attachments) await a.attach((http?.server ?? bare)!);
  if (http) await http.listen({ port: config.port, host: config.host });
  if (bare) await new Promise<void>((resolve) => bare.listen(config.port, config.host, resolve));
  const background = await startBackground(app, roles, config);
  // Without a server nothing else holds the event loop open.
  const keepAlive = http || bare ? undefined : setInterval(() => {}, 1 << 30);
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
      for (const a of attachments) await a.close();
      await http?.close();
      if (bare) await new Promise((resolve) => bare.close(resolve));
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
