import { type Kysely, sql } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { StatsTables } from "./stats.tables.js";

/**
 * SQL for the dashboard's history: pages per month (from daily_pages: a few rows per day, not one per
 * entry) and the read-throughs finished in a year with their books. Builders are public for EXPLAIN.
 */
export class YearInBooksRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<StatsTables> {
    return this.scope.db;
  }

  pagesByMonthQuery(ownerId: string) {
    // cast: local_date is a date on PostgreSQL and text on SQLite; as text it is YYYY-MM-DD on both.
    const month = sql<string>`substr(cast(local_date as text), 1, 7)`;
    return this.db
      .selectFrom("daily_pages")
      .select([month.as("month"), sql<number>`sum(pages)`.as("pages")])
      .where("owner_id", "=", ownerId)
      .groupBy(month)
      .orderBy(month);
  }

  /** Pages per month ('YYYY-MM'), months with entries only, in order. */
  async pagesByMonth(ownerId: string): Promise<{ month: string; pages: number }[]> {
    const rows = await this.pagesByMonthQuery(ownerId).execute();
    return rows.map((r) => ({ month: r.month, pages: Number(r.pages) }));
  }

  finishedInQuery(ownerId: string, from: string, to: string) {
    return this.db
      .selectFrom("readings as r")
      .innerJoin("books as b", "b.id", "r.book_id")
      .select([
        "r.id as reading_id",
        "b.id as book_id",
        "b.title",
        "b.authors",
        "b.cover_url",
        "b.total_pages",
        "r.started_on",
        "r.finished_on",
        "r.rating",
      ])
      .where("r.owner_id", "=", ownerId)
      .where("r.status", "=", "finished")
      .where("r.finished_on", ">=", from)
      .where("r.finished_on", "<=", to)
      .orderBy("r.finished_on")
      .orderBy("r.id");
  }

  /** Read-throughs finished between two local days (inclusive), oldest first. */
  finishedIn(ownerId: string, from: string, to: string) {
    return this.finishedInQuery(ownerId, from, to).execute();
  }
}
