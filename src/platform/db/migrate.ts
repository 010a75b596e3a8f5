import { type Migration, type MigrationResultSet, Migrator, sql } from "kysely";
import type { Database, DbKind } from "./database.js";
import type { Migrations } from "./migration.js";

function provider(kind: DbKind, steps: Migrations) {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return Object.fromEntries(
        Object.entries(steps).map(([name, step]) => [name, { up: (db) => step.up(db, kind) }]),
      );
    },
  };
}

/**
 * Applies every pending migration of `steps` (the platform's and each module's, gathered by the app) in
 * name order; throws with the failing migration's name and cause. Migrations already applied never run
 * again. Modules add theirs independently, so one may sort before another already applied elsewhere:
 * such a migration still runs (unordered migrations are allowed), each exactly once.
 */
export async function migrateToLatest(database: Database, steps: Migrations): Promise<string[]> {
  // On PostgreSQL the migration tables live in the connection's current schema (search_path), so that
  // several Readlog databases can share one PostgreSQL database under different schemas.
  const schema =
    database.kind === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: provider(database.kind, steps),
    allowUnorderedMigrations: true,
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
