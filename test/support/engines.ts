import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { allMigrations } from "../../src/app/migrations.js";
import type { Config } from "../../src/config.js";
import { type Database, openDatabase } from "../../src/platform/db/database.js";
import { migrateToLatest } from "../../src/platform/db/migrate.js";

export type EngineName = "sqlite" | "postgres";

const pgUrl = inject("pgUrl");

/** The database engines this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const ENGINES: EngineName[] = pgUrl ? ["sqlite", "postgres"] : ["sqlite"];

/** A fresh, empty database for one test app: in-memory SQLite, or a new schema in the run's PostgreSQL database. */
export async function freshDatabase(engine: EngineName): Promise<Config["database"]> {
  if (engine === "sqlite") return { kind: "sqlite", file: ":memory:" };
  if (!pgUrl) throw new Error("PostgreSQL is not configured for this run");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const url = new URL(pgUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return { kind: "postgres", url: url.toString() };
}

/** A fresh database of `engine`, opened and migrated (for tests of repositories and adapters without the app). */
export async function migratedDatabase(engine: EngineName): Promise<Database> {
  const database = openDatabase({ database: await freshDatabase(engine) });
  await migrateToLatest(database, allMigrations());
  return database;
}
