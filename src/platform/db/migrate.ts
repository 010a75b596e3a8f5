import { type Kysely, type Migration, type MigrationResultSet, Migrator, sql } from "kysely";
import type { Database, DbKind } from "./database.js";
import * as m0001 from "./migrations/0001-accounts.js";
import * as m0002 from "./migrations/0002-readlog.js";
import * as m0003 from "./migrations/0003-jobs.js";
import * as m0004 from "./migrations/0004-daily-pages.js";
import * as m0005 from "./migrations/0005-imports.js";
import * as m0006 from "./migrations/0006-channels.js";
import * as m0007 from "./migrations/0007-text.js";
import * as m0008 from "./migrations/0008-reminders.js";
import * as m0009 from "./migrations/0009-review.js";
import * as m0010 from "./migrations/0010-login-throttle.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was
type Step = { up(db: Kysely<any>, kind: DbKind): Promise<void> };

/** Every migration, in order. Names are stable forever: they are recorded in the database. */
const STEPS: Record<string, Step> = {
  "0001-accounts": m0001,
  "0002-readlog": m0002,
  "0003-jobs": m0003,
  "0004-daily-pages": m0004,
  "0005-imports": m0005,
  "0006-channels": m0006,
  "0007-text": m0007,
  "0008-reminders": m0008,
  "0009-review": m0009,
  "0010-login-throttle": m0010,
};

function provider(kind: DbKind) {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return Object.fromEntries(
        Object.entries(STEPS).map(([name, step]) => [name, { up: (db) => step.up(db, kind) }]),
      );
    },
  };
}

/** Applies every pending migration; throws with the failing migration's name and cause. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // On PostgreSQL the migration tables live in the connection's current schema (search_path), so that
  // several Readlog databases can share one PostgreSQL database under different schemas.
  const schema =
    database.kind === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: provider(database.kind),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${cause}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
