import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";
import { up as searchUp } from "../../../platform/search/search-migrations.js";

// Notes and highlights (issue 13, DESIGN.md §4) and the search index (ADR 0301).
// - notes: Markdown `body`, optionally on a book (with a location in it) or on another target (an article,
//   `target_type` + `target_id`, for the links module); every save is a revision (`version` counts them).
// - highlights: the quote, its note, colour, tags and a location keeping every facet the source gave;
//   `history` holds earlier versions of a highlight re-made on the device.
// - note_links: the wikilinks of each note body (derived, rebuilt from the bodies), for backlinks.
// - note_import_keys: which import entries were written (idempotent re-imports), per owner and source.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("notes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // A book's deletion keeps its notes (standalone from then on).
    .addColumn("book_id", "text", (c) => c.references("books.id").onDelete("set null"))
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    // JSON HighlightLocation (page, Kindle location, …) in the book; null: the book as a whole.
    .addColumn("location", "text")
    .addColumn("title", "text")
    // The title folded (lower case, no diacritics): what a wikilink `[[Title]]` is compared with.
    .addColumn("title_key", "text")
    .addColumn("body", "text", (c) => c.notNull())
    // JSON array of tags.
    .addColumn("tags", "text", (c) => c.notNull())
    .addColumn("language", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notes_owner_idx").on("notes").columns(["owner_id", "id"]).execute();
  await db.schema.createIndex("notes_title_idx").on("notes").columns(["owner_id", "title_key"]).execute();
  await db.schema.createIndex("notes_book_idx").on("notes").columns(["book_id", "id"]).execute();
  await db.schema.createIndex("notes_target_idx").on("notes").columns(["target_type", "target_id"]).execute();

  await db.schema
    .createTable("note_revisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("note_id", "text", (c) => c.notNull().references("notes.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("tags", "text", (c) => c.notNull())
    // Who saved it (an editor of a shared note is not its owner).
    .addColumn("saved_by", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("note_revisions_note_idx")
    .on("note_revisions")
    .columns(["note_id", "version"])
    .unique()
    .execute();

  await db.schema
    .createTable("highlights")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("book_id", "text", (c) => c.references("books.id").onDelete("cascade"))
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("color", "text")
    .addColumn("tags", "text", (c) => c.notNull())
    // JSON HighlightLocation: every facet the source gave.
    .addColumn("location", "text", (c) => c.notNull())
    .addColumn("language", "text")
    .addColumn("source", "text", (c) => c.notNull())
    // JSON array of earlier versions ({ text, location, at }), oldest first.
    .addColumn("history", "text", (c) => c.notNull())
    .addColumn("highlighted_at", t.instant)
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("highlights_owner_idx").on("highlights").columns(["owner_id", "id"]).execute();
  await db.schema.createIndex("highlights_book_idx").on("highlights").columns(["book_id", "id"]).execute();
  await db.schema
    .createIndex("highlights_target_idx")
    .on("highlights")
    .columns(["target_type", "target_id"])
    .execute();

  await db.schema
    .createTable("note_links")
    .addColumn("note_id", "text", (c) => c.notNull().references("notes.id").onDelete("cascade"))
    .addColumn("ord", "integer", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    // The target as written, and folded (what titles are compared with).
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("target_key", "text", (c) => c.notNull())
    .addColumn("alias", "text")
    .addPrimaryKeyConstraint("note_links_pk", ["note_id", "ord"])
    .execute();
  await db.schema
    .createIndex("note_links_target_idx")
    .on("note_links")
    .columns(["owner_id", "target_key"])
    .execute();

  await db.schema
    .createTable("note_import_keys")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    // "highlight" | "note" | "bookmark": what the entry became (bookmarks are recorded, not kept).
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("object_id", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("note_import_keys_pk", ["owner_id", "source", "key"])
    .execute();
  await db.schema
    .createIndex("note_import_keys_object_idx")
    .on("note_import_keys")
    .columns(["object_id"])
    .execute();

  await searchUp(db, kind);
}
