import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Which book a row of an outside export (Goodreads `Book Id`, StoryGraph UID) became, so that importing
// the same file again finds the book even when it has no ISBN or its title was edited since.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("import_keys")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("book_id", "text", (c) => c.notNull().references("books.id").onDelete("cascade"))
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("import_keys_pk", ["owner_id", "source", "external_id"])
    .execute();
  // The cascade from books.
  await db.schema.createIndex("import_keys_book_idx").on("import_keys").columns(["book_id"]).execute();
}
