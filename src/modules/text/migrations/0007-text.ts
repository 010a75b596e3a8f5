import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Text commands (DESIGN.md §5): what each conversation is waiting for, the changes `undo` can take back,
// and links saved for later reading (fetching them is a later step; rows start as `saved`).
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("conversations")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("conversation_key", "text", (c) => c.notNull())
    // JSON { command, choices: bookId[] } while a numbered choice is open, else null.
    .addColumn("pending", "text")
    .addColumn("last_book_id", "text", (c) => c.references("books.id").onDelete("set null"))
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("conversations_pk", ["owner_id", "conversation_key"])
    .execute();
  await db.schema
    .createIndex("conversations_book_idx")
    .on("conversations")
    .columns(["last_book_id"])
    .execute();

  await db.schema
    .createTable("text_undo")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("conversation_key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    // JSON: what to put back (the undo handler of the module that logged it; see text-registry.ts).
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("undone_at", t.instant)
    .execute();
  await db.schema
    .createIndex("text_undo_conversation_idx")
    .on("text_undo")
    .columns(["owner_id", "conversation_key", "id"])
    .execute();

  await db.schema
    .createTable("links")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("links_owner_idx").on("links").columns(["owner_id", "id"]).execute();
}
