import { type Kysely, sql } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { EntryRow } from "../progress/progress.repo.js";
import type { ProgressTables } from "../progress/progress.tables.js";

/**
 * SQL for the day-wise memory. A day's entries are a range of progress_owner_day_idx; the calendar is a
 * key range of daily_pages. The query builders are public so the query-plan test can EXPLAIN them.
 */
export class DaysRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<ProgressTables> {
    return this.scope.db;
  }

  /** Every entry of one local day with its book's title, in the order recorded. */
  dayQuery(ownerId: string, date: string) {
    return this.db
      .selectFrom("progress_entries as e")
      .innerJoin("books as b", "b.id", "e.book_id")
      .selectAll("e")
      .select("b.title")
      .where("e.owner_id", "=", ownerId)
      .where("e.local_date", "=", date)
      .orderBy("e.recorded_at")
      .orderBy("e.id");
  }

  day(ownerId: string, date: string): Promise<(EntryRow & { title: string })[]> {
    return this.dayQuery(ownerId, date).execute();
  }

  /** Pages and entry count per local day in [from, to], days with entries only (a daily_pages key range). */
  calendarQuery(ownerId: string, from: string, to: string) {
    return this.db
      .selectFrom("daily_pages")
      .select(["local_date", sql<number>`sum(pages)`.as("pages"), sql<number>`sum(entries)`.as("entries")])
      .where("owner_id", "=", ownerId)
      .where("local_date", ">=", from)
      .where("local_date", "<=", to)
      .groupBy("local_date")
      .orderBy("local_date");
  }

  async calendar(ownerId: string, from: string, to: string) {
    const rows = await this.calendarQuery(ownerId, from, to).execute();
    return rows.map((r) => ({ date: r.local_date, pages: Number(r.pages), entries: Number(r.entries) }));
  }
}
