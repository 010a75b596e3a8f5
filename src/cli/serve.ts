import pino from "pino";
import { type Config, loadConfig } from "../config.js";
import { createServices } from "../container.js";
import { buildServer } from "../platform/http/server.js";

/** Starts the server and drains it on SIGTERM/SIGINT: in-flight requests finish, then the process exits 0. */
export async function serve(config: Config = loadConfig()): Promise<void> {
  const log = pino({ level: config.logLevel });
  const services = await createServices(config, { log });
  const app = await buildServer(config, services);
  await app.listen({ port: config.port, host: config.host });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: draining in-flight requests");
    const timer = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await app.close();
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
