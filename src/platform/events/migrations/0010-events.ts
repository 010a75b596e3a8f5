import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../db/column-types.js";
import type { DbKind } from "../../db/database.js";

// Domain events recorded in the writing transaction; a relay delivers them after commit.
// The lease table is the platform's (first created by 0008-reminders): made sure of here.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("owner_id", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("published_at", t.instant)
    .execute();
  // What the relay reads: the unpublished events in id order (a small partial index).
  await db.schema
    .createIndex("events_unpublished_idx")
    .on("events")
    .column("id")
    .where(sql.ref("published_at"), "is", null)
    .execute();
  // Catching up: one owner's events after an id.
  await db.schema.createIndex("events_owner_idx").on("events").columns(["owner_id", "id"]).execute();
  await db.schema
    .createTable("leases")
    .ifNotExists()
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", t.instant, (c) => c.notNull())
    .execute();
}
