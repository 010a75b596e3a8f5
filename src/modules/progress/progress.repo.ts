import { type Selectable, sql } from "kysely";
import type { Db } from "../../platform/db/database.js";
import type { ProgressEntriesTable } from "../../platform/db/schema.js";

export type EntryRow = Selectable<ProgressEntriesTable>;

/** SQL for the append-only progress log: rows are inserted and read, never updated. */
export class ProgressRepo {
  constructor(private readonly db: Db) {}

  async insert(row: EntryRow): Promise<void> {
    await this.db.insertInto("progress_entries").values(row).execute();
  }

  /** Inserts many entries in one statement (imports, benchmarks); callers batch and wrap in a transaction. */
  async insertMany(rows: EntryRow[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto("progress_entries").values(rows).execute();
  }

  /** The most recently recorded entry of a read-through (index progress_reading_idx, newest end). */
  last(readingId: string, withPage = false): Promise<EntryRow | undefined> {
    return this.lastQuery(readingId, withPage).executeTakeFirst();
  }

  lastQuery(readingId: string, withPage = false) {
    let q = this.db
      .selectFrom("progress_entries")
      .selectAll()
      .where("reading_id", "=", readingId)
      .orderBy("recorded_at", "desc")
      .orderBy("id", "desc")
      .limit(1);
    if (withPage) q = q.where("page", "is not", null);
    return q;
  }

  /** A book's entries (every read-through), newest first, before `cursor`; one read-through when given. */
  list(ownerId: string, bookId: string, opts: { limit: number; cursor?: string; readingId?: string }) {
    let q = this.db
      .selectFrom("progress_entries")
      .selectAll()
      .where("book_id", "=", bookId)
      .where("owner_id", "=", ownerId)
      .orderBy("id", "desc")
      .limit(opts.limit);
    if (opts.cursor) q = q.where("id", "<", opts.cursor);
    if (opts.readingId) q = q.where("reading_id", "=", opts.readingId);
    return q.execute();
  }

  /** Pages of one book on one local day: an index-only sum over progress_owner_day_idx. */
  async bookPagesOn(ownerId: string, bookId: string, date: string): Promise<number> {
    const r = await this.db
      .selectFrom("progress_entries")
      .select(sql<number>`coalesce(sum(pages_delta), 0)`.as("pages"))
      .where("owner_id", "=", ownerId)
      .where("local_date", "=", date)
      .where("book_id", "=", bookId)
      .executeTakeFirst();
    return Number(r?.pages ?? 0);
  }
}
