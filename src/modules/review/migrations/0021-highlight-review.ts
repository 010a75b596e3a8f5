import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Highlights in the daily review, Readwise-style (ADR 0304): highlight cards are not scheduled by FSRS but
// drawn each day by weight. A card keeps its answers' factor (`tune`) and how often it was shown; each
// user chooses cards per highlight, per book or none (`highlight_cards`), a book may override it, and each
// day's draw (`review_showings`) and each answer (`review_answers`, undoable) are kept.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  const real = kind === "postgres" ? "double precision" : "real";
  await db.schema
    .alterTable("review_settings")
    .addColumn("highlight_cards", "text", (c) => c.notNull().defaultTo("highlight"))
    .execute();
  await db.schema
    .alterTable("review_settings")
    .addColumn("daily_highlights", "integer", (c) => c.notNull().defaultTo(5))
    .execute();
  await db.schema
    .alterTable("review_cards")
    .addColumn("tune", real, (c) => c.notNull().defaultTo(sql`1`))
    .execute();
  await db.schema
    .alterTable("review_cards")
    .addColumn("shows", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("review_cards").addColumn("last_shown_on", t.date).execute();

  await db.schema
    .createTable("review_book_settings")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("book_id", "text", (c) => c.notNull().references("books.id").onDelete("cascade"))
    // 'highlight' | 'book' | 'off': overrides the owner's review_settings.highlight_cards for this book.
    .addColumn("highlight_cards", "text", (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("review_book_settings_pk", ["owner_id", "book_id"])
    .execute();

  await db.schema
    .createTable("review_showings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("card_id", "text", (c) => c.notNull().references("review_cards.id").onDelete("cascade"))
    .addColumn("local_date", t.date, (c) => c.notNull())
    // Its place in the day's draw.
    .addColumn("ord", "integer", (c) => c.notNull())
    // JSON array of the highlight ids shown (a per-book card shows a few of its book's).
    .addColumn("highlight_ids", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("review_showings_day_idx")
    .on("review_showings")
    .columns(["owner_id", "local_date", "card_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("review_showings_card_idx")
    .on("review_showings")
    .columns(["card_id"])
    .execute();

  await db.schema
    .createTable("review_answers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("card_id", "text", (c) => c.notNull().references("review_cards.id").onDelete("cascade"))
    .addColumn("local_date", t.date, (c) => c.notNull())
    // 'master' | 'soon' | 'later'
    .addColumn("answer", "text", (c) => c.notNull())
    // The card before the answer, so that a second answer the same day replaces the first and undo restores it.
    .addColumn("tune_before", real, (c) => c.notNull())
    .addColumn("retired_before", t.instant)
    .addColumn("answered_at", t.instant, (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("review_answers_day_idx")
    .on("review_answers")
    .columns(["owner_id", "card_id", "local_date"])
    .unique()
    .execute();
  await db.schema.createIndex("review_answers_card_idx").on("review_answers").columns(["card_id"]).execute();
}
