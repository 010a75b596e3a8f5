import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Notes edited together: each note's Yjs document as binary state, and the links that share a note.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("note_docs")
    .addColumn("note_id", "text", (c) => c.primaryKey().references("notes.id").onDelete("cascade"))
    // Y.encodeStateAsUpdate of the document: the source of truth once it exists (never rebuilt from Markdown).
    .addColumn("state", kind === "postgres" ? sql`bytea` : sql`blob`, (c) => c.notNull())
    // The note's version the document last wrote (a later one was saved elsewhere and is merged in).
    .addColumn("note_version", "integer", (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("note_share_links")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("note_id", "text", (c) => c.notNull().references("notes.id").onDelete("cascade"))
    // SHA-256 of the link's secret (the link itself is shown once).
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // editor | viewer
    .addColumn("relation", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("expires_at", t.instant)
    .addColumn("revoked_at", t.instant)
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("note_share_links_note_idx")
    .on("note_share_links")
    .columns(["note_id"])
    .execute();
}
