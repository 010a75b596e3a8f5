import { type Kysely, sql } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { StatsTables } from "./stats.tables.js";

/**
 * SQL for statistics. Every query is a range of an index: page sums come from the daily_pages key (a few
 * rows per day, not one per entry), shelves from books_owner_status_idx, finished books from
 * readings_owner_finished_idx. The query builders are public so the query-plan test can EXPLAIN them.
 */
export class StatsRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<StatsTables> {
    return this.scope.db;
  }

  /** Pages in [from, to] and, of those, pages since `recentFrom` (7-day and 30-day averages in one pass). */
  pagesQuery(ownerId: string, from: string, recentFrom: string, to: string) {
    return this.db
      .selectFrom("daily_pages")
      .select([
        sql<number>`coalesce(sum(pages), 0)`.as("pages"),
        sql<number>`coalesce(sum(case when local_date >= ${recentFrom} then pages else 0 end), 0)`.as(
          "recent",
        ),
      ])
      .where("owner_id", "=", ownerId)
      .where("local_date", ">=", from)
      .where("local_date", "<=", to);
  }

  async pages(ownerId: string, from: string, recentFrom: string, to: string) {
    const r = await this.pagesQuery(ownerId, from, recentFrom, to).executeTakeFirst();
    return { pages: Number(r?.pages ?? 0), recent: Number(r?.recent ?? 0) };
  }

  /** Pages per book in [from, to], for the given books. */
  bookPagesQuery(ownerId: string, bookIds: string[], from: string, to: string) {
    return this.db
      .selectFrom("daily_pages")
      .select(["book_id", sql<number>`sum(pages)`.as("pages")])
      .where("owner_id", "=", ownerId)
      .where("local_date", ">=", from)
      .where("local_date", "<=", to)
      .where("book_id", "in", bookIds.length > 0 ? bookIds : [""])
      .groupBy("book_id");
  }

  async bookPages(
    ownerId: string,
    bookIds: string[],
    from: string,
    to: string,
  ): Promise<Map<string, number>> {
    if (bookIds.length === 0) return new Map();
    const rows = await this.bookPagesQuery(ownerId, bookIds, from, to).execute();
    return new Map(rows.map((r) => [r.book_id, Number(r.pages)]));
  }

  /** Every local day with pages > 0, in order (for streaks). */
  activeDaysQuery(ownerId: string) {
    return this.db
      .selectFrom("daily_pages")
      .select("local_date")
      .where("owner_id", "=", ownerId)
      .groupBy("local_date")
      .having(sql`sum(pages)`, ">", 0)
      .orderBy("local_date");
  }

  async activeDays(ownerId: string): Promise<string[]> {
    return (await this.activeDaysQuery(ownerId).execute()).map((r) => r.local_date);
  }

  /**
   * The books on the reading shelf with their current read-through and its last recorded page (the newest
   * entry with a page, as ProgressRepo.last(…, true): one index probe per book on progress_reading_idx).
   */
  readingBooksQuery(ownerId: string) {
    return this.db
      .selectFrom("books")
      .select((eb) => [
        "books.id",
        "books.title",
        "books.total_pages",
        "books.current_reading_id",
        eb
          .selectFrom("progress_entries as p")
          .select("p.page")
          .whereRef("p.reading_id", "=", "books.current_reading_id")
          .where("p.page", "is not", null)
          .orderBy("p.recorded_at", "desc")
          .orderBy("p.id", "desc")
          .limit(1)
          .as("current_page"),
      ])
      .where("books.owner_id", "=", ownerId)
      .where("books.status", "=", "reading")
      .orderBy("books.id", "desc");
  }

  readingBooks(ownerId: string) {
    return this.readingBooksQuery(ownerId).execute();
  }

  /** Finished read-throughs per month ('YYYY-MM'), in order. */
  finishedQuery(ownerId: string) {
    // cast: finished_on is a date on PostgreSQL and text on SQLite; as text it is YYYY-MM-DD on both.
    const month = sql<string>`substr(cast(finished_on as text), 1, 7)`;
    return this.db
      .selectFrom("readings")
      .select([month.as("month"), sql<number>`count(*)`.as("books")])
      .where("owner_id", "=", ownerId)
      .where("status", "=", "finished")
      .where("finished_on", "is not", null)
      .groupBy(month)
      .orderBy(month);
  }

  async finishedByMonth(ownerId: string): Promise<{ month: string; books: number }[]> {
    return (await this.finishedQuery(ownerId).execute()).map((r) => ({
      month: r.month,
      books: Number(r.books),
    }));
  }
}
