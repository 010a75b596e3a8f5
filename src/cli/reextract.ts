import type { Command } from "commander";

/**
 * `readlog reextract [--all] [--user EMAIL]`: queues the extraction of saved links again from their kept
 * pages (no fetch), for links extracted by an older extractor (or every link with `--all`). Run it on the
 * server's machine after an upgrade; the workers do the work and re-anchor nothing themselves (highlights
 * are the notes module's).
 */
export function registerReextract(cli: Command): void {
  cli
    .command("reextract")
    .description("Re-run article extraction from the kept pages (after the extractor improved)")
    .option("--all", "every link with a kept page, not only those extracted by an older extractor")
    .option("--user <email>", "only this user's links")
    .action(async (opts: { all?: boolean; user?: string }) => {
      const { loadConfig } = await import("../config.js");
      const { assemble } = await import("../app/assemble.js");
      const assembly = await assemble(loadConfig());
      try {
        const { links } = assembly.services;
        let owner: string | undefined;
        if (opts.user) {
          const user = await assembly.database.db
            .selectFrom("users")
            .select("id")
            .where("email", "=", opts.user.toLowerCase())
            .executeTakeFirst();
          if (!user) cli.error(`error: no user with the email ${opts.user}`, { exitCode: 2 });
          owner = user?.id;
        }
        const queued = await links.reextractAll({ all: opts.all === true, ownerId: owner });
        console.log(
          queued
            ? `queued ${queued} re-extraction${queued === 1 ? "" : "s"}: the server's workers do them`
            : "nothing to re-extract",
        );
      } finally {
        await assembly.close();
      }
    });
}
