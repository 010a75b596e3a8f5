import { type Selectable, sql } from "kysely";
import type { Db } from "../../platform/db/database.js";
import type { DailyPagesTable, ProgressEntriesTable } from "../../platform/db/schema.js";

export type EntryRow = Selectable<ProgressEntriesTable>;
type DailyRow = Selectable<DailyPagesTable>;

/**
 * SQL for the append-only progress log: rows are inserted and read, never updated. Every insert also adds
 * its pages_delta to daily_pages (owner, local day, book), which calendar and stats read.
 */
export class ProgressRepo {
  constructor(private readonly db: Db) {}

  /** Appends an entry and adds it to its day's total; call inside a transaction. */
  async insert(row: EntryRow): Promise<void> {
    await this.insertMany([row]);
  }

  /**
   * Appends many entries (imports, benchmarks) and adds them to daily_pages. Call inside a transaction;
   * keep batches under ~2,000 rows (bound parameters).
   */
  async insertMany(rows: EntryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto("progress_entries").values(rows).execute();
    const days = new Map<string, DailyRow>();
    for (const r of rows) {
      const key = `${r.owner_id} ${r.local_date} ${r.book_id}`;
      const d = days.get(key) ?? {
        owner_id: r.owner_id,
        local_date: r.local_date,
        book_id: r.book_id,
        pages: 0,
        entries: 0,
      };
      d.pages += r.pages_delta;
      d.entries += 1;
      days.set(key, d);
    }
    await this.db
      .insertInto("daily_pages")
      .values([...days.values()])
      .onConflict((oc) =>
        oc.columns(["owner_id", "local_date", "book_id"]).doUpdateSet((eb) => ({
          pages: sql<number>`${eb.ref("daily_pages.pages")} + ${eb.ref("excluded.pages")}`,
          entries: sql<number>`${eb.ref("daily_pages.entries")} + ${eb.ref("excluded.entries")}`,
        })),
      )
      .execute();
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

  /** Pages of one book on one local day (one daily_pages row). */
  async bookPagesOn(ownerId: string, bookId: string, date: string): Promise<number> {
    const r = await this.db
      .selectFrom("daily_pages")
      .select("pages")
      .where("owner_id", "=", ownerId)
      .where("local_date", "=", date)
      .where("book_id", "=", bookId)
      .executeTakeFirst();
    return Number(r?.pages ?? 0);
  }
}
