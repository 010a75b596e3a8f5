import type { Kysely } from "kysely";
import type { DbKind } from "./database.js";

/** One schema change. Its name (the key it is listed under) is recorded in the database and is stable forever. */
export interface MigrationStep {
  // biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was, not as it is
  up(db: Kysely<any>, kind: DbKind): Promise<void>;
}

/** Migrations by name; names sort in the order they apply on a fresh database ("0010-events" …). */
export type Migrations = Readonly<Record<string, MigrationStep>>;
