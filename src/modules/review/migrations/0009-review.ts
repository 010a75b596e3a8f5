import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Spaced repetition (DESIGN.md §4): one FSRS card per subject (a finished book now; notes and
// highlights later, by kind + subject_id), the append-only log of reviews, and each user's desired
// retention. A review's idempotency key is unique per owner, so a replayed grade records nothing.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  const real = kind === "postgres" ? "double precision" : "real";
  await db.schema
    .createTable("review_settings")
    .addColumn("owner_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("desired_retention", real, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("review_cards")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // 'book' | 'note' | 'highlight': what subject_id names (for a book card, the book itself).
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("book_id", "text", (c) => c.notNull().references("books.id").onDelete("cascade"))
    .addColumn("prompt", "text", (c) => c.notNull())
    // FSRS state (ts-fsrs Card); due_on is due_at's day in the owner's zone, what "due today" compares.
    .addColumn("due_on", t.date, (c) => c.notNull())
    .addColumn("due_at", t.instant, (c) => c.notNull())
    .addColumn("stability", real, (c) => c.notNull())
    .addColumn("difficulty", real, (c) => c.notNull())
    .addColumn("elapsed_days", "integer", (c) => c.notNull())
    .addColumn("scheduled_days", "integer", (c) => c.notNull())
    .addColumn("learning_steps", "integer", (c) => c.notNull())
    .addColumn("reps", "integer", (c) => c.notNull())
    .addColumn("lapses", "integer", (c) => c.notNull())
    .addColumn("state", "integer", (c) => c.notNull())
    .addColumn("last_review", t.instant)
    // Per-card override of the owner's desired retention (higher: asked more often).
    .addColumn("desired_retention", real)
    .addColumn("suspended_at", t.instant)
    .addColumn("retired_at", t.instant)
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("review_cards_subject_idx")
    .on("review_cards")
    .columns(["owner_id", "kind", "subject_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("review_cards_due_idx")
    .on("review_cards")
    .columns(["owner_id", "due_on", "id"])
    .execute();
  await db.schema.createIndex("review_cards_book_idx").on("review_cards").columns(["book_id"]).execute();

  await db.schema
    .createTable("review_logs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("card_id", "text", (c) => c.notNull().references("review_cards.id").onDelete("cascade"))
    // 1 again, 2 hard, 3 good, 4 easy.
    .addColumn("grade", "integer", (c) => c.notNull())
    // The card's FSRS state before this review, and the interval it was given.
    .addColumn("state", "integer", (c) => c.notNull())
    .addColumn("scheduled_days", "integer", (c) => c.notNull())
    .addColumn("reviewed_at", t.instant, (c) => c.notNull())
    .addColumn("local_date", t.date, (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("review_logs_key_idx")
    .on("review_logs")
    .columns(["owner_id", "idempotency_key"])
    .unique()
    .execute();
  await db.schema
    .createIndex("review_logs_day_idx")
    .on("review_logs")
    .columns(["owner_id", "local_date"])
    .execute();
  await db.schema.createIndex("review_logs_card_idx").on("review_logs").columns(["card_id"]).execute();
}
