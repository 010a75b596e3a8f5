import { Command, CommanderError } from "commander";
import { parseRoles, ROLES, type Role } from "./app/roles.js";
import { registerExtract } from "./cli/extract.js";
import { registerImportExport } from "./cli/import-export.js";
import { registerReextract } from "./cli/reextract.js";
import { registerReindex } from "./cli/reindex.js";
import { registerTextClient } from "./cli/text-client.js";
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";

/** Exit codes: 0 ok, 1 failure, 2 usage error, 3 imported with per-row problems, 78 bad configuration (EX_CONFIG). */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

function program(): Command {
  const cli = new Command("readlog")
    .description("Readlog: a self-hosted reading companion. Run `readlog serve` to start the server.")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();

  cli
    .command("serve")
    .description("Start the server (applies pending migrations first)")
    .option(
      "--roles <roles>",
      "comma-separated roles to run in this process: api, worker, scheduler",
      parseRoles,
      [...ROLES],
    )
    .action(async (opts: { roles: Role[] }) =>
      (await import("./app/serve.js")).serve(loadConfig(), { roles: opts.roles }),
    );

  cli
    .command("migrate")
    .description("Apply pending database migrations and exit")
    .action(async () => {
      // Loaded on use, so the HTTP-client commands (import, export) start quickly.
      const { openDatabase } = await import("./platform/db/database.js");
      const { migrateToLatest } = await import("./platform/db/migrate.js");
      const { allMigrations } = await import("./app/migrations.js");
      const database = openDatabase(loadConfig());
      try {
        const applied = await migrateToLatest(database, allMigrations());
        console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
      } finally {
        await database.close();
      }
    });
  registerTextClient(cli);
  registerImportExport(cli);
  registerExtract(cli);
  registerReindex(cli);
  registerReextract(cli);
  return cli;
}

async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  try {
    await program().parseAsync(argv);
  } catch (err) {
    // Commander reports its own usage errors with 1; commands choose their codes with cmd.error(…, { exitCode }).
    if (err instanceof CommanderError) process.exit(err.exitCode === 1 ? EXIT.usage : err.exitCode);
    if (err instanceof ConfigError) {
      console.error(`readlog: configuration error: ${err.message}`);
      process.exit(EXIT.config);
    }
    console.error(`readlog: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(EXIT.failure);
  }
}

await main(process.argv);
