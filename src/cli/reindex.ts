import type { Command } from "commander";
import { loadConfig } from "../config.js";

/** `readlog reindex [--user ID]`: rebuilds the search index from the tables, on the server's database. */
export function registerReindex(cli: Command): void {
  cli
    .command("reindex")
    .description(
      "Rebuild the search index from books, notes and highlights (readers keep the old one until it is done)",
    )
    .option("--user <id>", "only this user's part of the index")
    .action(async (opts: { user?: string }) => {
      // Loaded on use: the HTTP-client commands start without the server's modules.
      const { assemble } = await import("../app/assemble.js");
      const app = await assemble(loadConfig());
      try {
        const started = Date.now();
        const n = await app.services.search.rebuild(opts.user);
        console.log(`indexed ${n} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await app.close();
      }
    });
}
