import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../../platform/db/database.js";
import type { SchedulesTable } from "../../platform/db/schema.js";

export type ScheduleRow = Selectable<SchedulesTable>;

/** A book being read, with the last page logged for its current read-through. */
export interface ReadingBook {
  id: string;
  title: string;
  totalPages: number | null;
  lastPage: number | null;
}

/** SQL of reminder schedules. Every owner-facing query filters on owner_id. */
export class RemindersRepo {
  constructor(private readonly db: Db) {}

  list(ownerId: string): Promise<ScheduleRow[]> {
    return this.db
      .selectFrom("schedules")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .orderBy("id")
      .execute();
  }

  byId(ownerId: string, id: string): Promise<ScheduleRow | undefined> {
    return this.db
      .selectFrom("schedules")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** For the job handler, which has only the schedule id. */
  anyById(id: string): Promise<ScheduleRow | undefined> {
    return this.db.selectFrom("schedules").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async insert(row: Insertable<SchedulesTable>): Promise<void> {
    await this.db.insertInto("schedules").values(row).execute();
  }

  async update(ownerId: string, id: string, patch: Updateable<SchedulesTable>): Promise<void> {
    await this.db
      .updateTable("schedules")
      .set(patch)
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .execute();
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("schedules")
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Schedules whose delivery time has come, oldest first. */
  due(now: string, limit: number): Promise<ScheduleRow[]> {
    return this.db
      .selectFrom("schedules")
      .selectAll()
      .where("next_fire_at", "<=", now)
      .orderBy("next_fire_at")
      .limit(limit)
      .execute();
  }

  /**
   * Moves schedules on in one transaction, each unless someone else changed it since it was read (a user's
   * edit wins: it re-planned the schedule). Returns how many moved.
   */
  async advanceMany(
    items: readonly { row: ScheduleRow; patch: Updateable<SchedulesTable> }[],
  ): Promise<number> {
    if (items.length === 0) return 0;
    return this.db.transaction().execute(async (tx) => {
      let moved = 0;
      for (const { row, patch } of items) {
        const r = await tx
          .updateTable("schedules")
          .set(patch)
          .where("id", "=", row.id)
          .where("updated_at", "=", row.updated_at)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) > 0) moved++;
      }
      return moved;
    });
  }

  /** Which of these ids are the owner's books. */
  async ownBookIds(ownerId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("books")
      .select("id")
      .where("owner_id", "=", ownerId)
      .where("id", "in", ids)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** The owner's books on the reading shelf, with their last logged page. */
  async readingBooks(ownerId: string): Promise<ReadingBook[]> {
    const books = await this.db
      .selectFrom("books")
      .select(["id", "title", "total_pages", "current_reading_id"])
      .where("owner_id", "=", ownerId)
      .where("status", "=", "reading")
      .orderBy("updated_at", "desc")
      .limit(50)
      .execute();
    const out: ReadingBook[] = [];
    for (const b of books) {
      const last = b.current_reading_id
        ? await this.db
            .selectFrom("progress_entries")
            .select("page")
            .where("owner_id", "=", ownerId)
            .where("reading_id", "=", b.current_reading_id)
            .where("page", "is not", null)
            .orderBy("id", "desc")
            .limit(1)
            .executeTakeFirst()
        : undefined;
      out.push({ id: b.id, title: b.title, totalPages: b.total_pages, lastPage: last?.page ?? null });
    }
    return out;
  }
}
