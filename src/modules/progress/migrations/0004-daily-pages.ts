import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Pages per owner, local day and book, kept in step with progress_entries by the same transaction that
// appends an entry. Measured at 500,000 entries (bench/readlog.ts), summing pages_delta over the covering
// index alone took 23 ms (p50) for a one-year calendar and 320 ms for stats; this table answers both from
// a few hundred rows. docs/adr/0003-daily-pages.md explains the choice.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  let table = db.schema
    .createTable("daily_pages")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("local_date", t.date, (c) => c.notNull())
    // Deleting a book deletes its days with it, so totals never count pages of a deleted book.
    .addColumn("book_id", "text", (c) => c.notNull().references("books.id").onDelete("cascade"))
    .addColumn("pages", "integer", (c) => c.notNull())
    .addColumn("entries", "integer", (c) => c.notNull())
    // Calendar and stats are ranges of this key.
    .addPrimaryKeyConstraint("daily_pages_pk", ["owner_id", "local_date", "book_id"]);
  // SQLite: the rows live in the key's b-tree, so a range of the key reads no other page.
  if (kind === "sqlite") table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  // The cascade from books.
  await db.schema.createIndex("daily_pages_book_idx").on("daily_pages").column("book_id").execute();
  // Existing entries (none outside development) are summed in.
  await sql`insert into daily_pages (owner_id, local_date, book_id, pages, entries)
    select owner_id, local_date, book_id, sum(pages_delta), count(*) from progress_entries
    group by owner_id, local_date, book_id`.execute(db);
}
