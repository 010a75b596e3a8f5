import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

const STATUSES = sql`('wishlist', 'reading', 'paused', 'finished', 'abandoned')`;
const SOURCES = sql`('web', 'api', 'cli', 'whatsapp', 'telegram', 'import')`;

// Books, read-throughs, shelf moves, the append-only progress log and yearly goals.
// docs/schema.md explains every index by the query it serves.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("books")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("authors", "text", (c) => c.notNull())
    .addColumn("isbn10", "text")
    .addColumn("isbn13", "text")
    .addColumn("total_pages", "integer", (c) => c.check(sql`total_pages > 0`))
    .addColumn("cover_url", "text")
    .addColumn("metadata_source", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ${STATUSES}`))
    .addColumn("current_reading_id", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  // The book list, newest first, and its cursor.
  await db.schema.createIndex("books_owner_idx").on("books").columns(["owner_id", "id"]).execute();
  // The book list filtered by shelf; stats' "books being read".
  await db.schema
    .createIndex("books_owner_status_idx")
    .on("books")
    .columns(["owner_id", "status", "id"])
    .execute();

  await db.schema
    .createTable("readings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("book_id", "text", (c) => c.notNull().references("books.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ${STATUSES}`))
    .addColumn("started_on", t.date)
    .addColumn("finished_on", t.date)
    .addColumn("rating", "real", (c) => c.check(sql`rating >= 0 and rating <= 5`))
    .addColumn("review", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  // A book's read-throughs; also serves the cascade from books.
  await db.schema.createIndex("readings_book_idx").on("readings").columns(["book_id", "id"]).execute();
  // Books finished per month/year and goal progress: an index-only range over finished_on.
  await db.schema
    .createIndex("readings_owner_finished_idx")
    .on("readings")
    .columns(["owner_id", "status", "finished_on"])
    .execute();

  await db.schema
    .createTable("status_changes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("reading_id", "text", (c) => c.notNull().references("readings.id").onDelete("cascade"))
    .addColumn("from_status", "text", (c) => c.check(sql`from_status in ${STATUSES}`))
    .addColumn("to_status", "text", (c) => c.notNull().check(sql`to_status in ${STATUSES}`))
    .addColumn("local_date", t.date, (c) => c.notNull())
    .addColumn("changed_at", t.instant, (c) => c.notNull())
    .execute();
  // A read-through's history; also serves the cascade from readings.
  await db.schema
    .createIndex("status_changes_reading_idx")
    .on("status_changes")
    .columns(["reading_id", "changed_at"])
    .execute();
  // Shelf moves of a day (day-wise memory).
  await db.schema
    .createIndex("status_changes_owner_day_idx")
    .on("status_changes")
    .columns(["owner_id", "local_date"])
    .execute();

  await db.schema
    .createTable("progress_entries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("reading_id", "text", (c) => c.notNull().references("readings.id").onDelete("cascade"))
    .addColumn("book_id", "text", (c) => c.notNull().references("books.id").onDelete("cascade"))
    .addColumn("page", "integer", (c) => c.check(sql`page >= 0`))
    .addColumn("percent", "real", (c) => c.check(sql`percent >= 0 and percent <= 100`))
    .addColumn("local_date", t.date, (c) => c.notNull())
    .addColumn("recorded_at", t.instant, (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ${SOURCES}`))
    .addColumn("supersedes", "text")
    .addColumn("pages_delta", "integer", (c) => c.notNull())
    .addColumn("note", "text")
    .addCheckConstraint("progress_entries_page_or_percent", sql`page is not null or percent is not null`)
    .execute();
  // Day and calendar: the sums of pages_delta per local day come from this index alone (covering).
  await db.schema
    .createIndex("progress_owner_day_idx")
    .on("progress_entries")
    .columns(["owner_id", "local_date", "pages_delta", "book_id"])
    .execute();
  // The last entry of a read-through (current page, next delta) and its entry list.
  await db.schema
    .createIndex("progress_reading_idx")
    .on("progress_entries")
    .columns(["reading_id", "recorded_at", "id"])
    .execute();
  // A book's entries across read-throughs, by id for the cursor; also serves the cascade from books.
  await db.schema
    .createIndex("progress_book_idx")
    .on("progress_entries")
    .columns(["book_id", "id"])
    .execute();

  await db.schema
    .createTable("goals")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("books", "integer", (c) => c.check(sql`books >= 0`))
    .addColumn("pages", "integer", (c) => c.check(sql`pages >= 0`))
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("goals_pk", ["owner_id", "year"])
    .execute();
}
