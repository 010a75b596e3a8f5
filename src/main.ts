import { Command, CommanderError } from "commander";
import { serve } from "./cli/serve.js";
import { registerTextClient } from "./cli/text-client.js";
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { openDatabase } from "./platform/db/database.js";
import { migrateToLatest } from "./platform/db/migrate.js";

/** Exit codes: 0 ok, 1 failure, 2 usage error, 78 bad configuration (EX_CONFIG). */
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
    .option("--roles <roles>", "comma-separated roles to run in this process", "api")
    .action(async () => serve(loadConfig()));

  cli
    .command("migrate")
    .description("Apply pending database migrations and exit")
    .action(async () => {
      const database = openDatabase(loadConfig());
      try {
        const applied = await migrateToLatest(database);
        console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
      } finally {
        await database.close();
      }
    });
  registerTextClient(cli);
  return cli;
}

async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    if (err instanceof ConfigError) {
      console.error(`readlog: configuration error: ${err.message}`);
      process.exit(EXIT.config);
    }
    console.error(`readlog: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(EXIT.failure);
  }
}

await main(process.argv);
