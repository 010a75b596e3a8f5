import type { Kysely } from "kysely";
import { columnTypes } from "../../db/column-types.js";
import type { DbKind } from "../../db/database.js";

// Objects shared beyond their owner: a relation (editor, viewer, …) on one object for a user or a group.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("grants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("resource_type", "text", (c) => c.notNull())
    .addColumn("resource_id", "text", (c) => c.notNull())
    // "user", or a kind of group (e.g. "club") whose members the relation reaches.
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("relation", "text", (c) => c.notNull())
    .addColumn("granted_by", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("expires_at", t.instant)
    .addUniqueConstraint("grants_one_per_subject", [
      "resource_type",
      "resource_id",
      "subject_type",
      "subject_id",
    ])
    .execute();
  await db.schema
    .createIndex("grants_subject_idx")
    .on("grants")
    .columns(["subject_type", "subject_id", "resource_type"])
    .execute();
}
