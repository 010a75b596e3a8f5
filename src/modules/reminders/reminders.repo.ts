import type { Kysely } from "kysely";
import { type Insertable, type Selectable, sql, type Updateable } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { RemindersTables, SchedulesTable } from "./reminders.tables.js";

type Db = Kysely<RemindersTables>;

export type ScheduleRow = Selectable<SchedulesTable>;

/** A book being read, with the last page logged for its current read-through. */
export interface ReadingBook {
  id: string;
  title: string;
  totalPages: number | null;
  lastPage: number | null;
}

// The reminder job's reads, once per reminder: compiled once.
const scheduleById = precompiledOn((db: Db, p: { id: string }) =>
  db.selectFrom("schedules").selectAll().where("id", "=", p.id),
);
// The last page of each book's current read-through in the same query (no query per book). The subquery
// filters on the read-through alone: it is the owner's (it is the current one of the owner's book), and an
// owner_id term there makes SQLite walk the owner's whole log by progress_owner_day_idx.
const readingBooksOf = precompiledOn((db: Db, p: { ownerId: string }) =>
  db
    .selectFrom("books as b")
    .select((eb) => [
      "b.id",
      "b.title",
      "b.total_pages",
      eb
        .selectFrom("progress_entries as pe")
        .select("pe.page")
        .whereRef("pe.reading_id", "=", "b.current_reading_id")
        .where("pe.page", "is not", null)
        .orderBy("pe.id", "desc")
        .limit(1)
        .as("last_page"),
    ])
    .where("b.owner_id", "=", p.ownerId)
    .where("b.status", "=", "reading")
    .orderBy("b.updated_at", "desc")
    .limit(50),
);

/** A due schedule moved on to its next slot by the scheduler. */
export interface Advance {
  /** As read: moved only if still unchanged (same updated_at). */
  row: Pick<ScheduleRow, "id" | "updated_at">;
  next_slot_at: string | null;
  next_fire_at: string | null;
  /** The slot that fired. */
  last_slot_at: string;
  updated_at: string;
}

/** SQL of reminder schedules. Every owner-facing query filters on owner_id. */
export class RemindersRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

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
  async anyById(id: string): Promise<ScheduleRow | undefined> {
    return (await scheduleById(this.db, { id }))[0];
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
   * Moves schedules on in one statement, each unless someone else changed it since it was read (a user's
   * edit wins: it re-planned the schedule). Returns how many moved.
   */
  async advanceMany(items: readonly Advance[]): Promise<number> {
    if (items.length === 0) return 0;
    const rows = JSON.stringify(
      items.map((i) => ({
        id: i.row.id,
        was: i.row.updated_at,
        ns: i.next_slot_at,
        nf: i.next_fire_at,
        ls: i.last_slot_at,
        ua: i.updated_at,
      })),
    );
    // One UPDATE … FROM over the batch as JSON: on PostgreSQL one round trip instead of one per schedule.
    const r =
      this.scope.kind === "postgres"
        ? await sql`update schedules as s
            set next_slot_at = v.ns, next_fire_at = v.nf, last_slot_at = v.ls, updated_at = v.ua
            from jsonb_to_recordset(${rows}::jsonb)
              as v(id text, was timestamptz, ns timestamptz, nf timestamptz, ls timestamptz, ua timestamptz)
            where s.id = v.id and s.updated_at = v.was`.execute(this.db)
        : await sql`update schedules
            set next_slot_at = v.ns, next_fire_at = v.nf, last_slot_at = v.ls, updated_at = v.ua
            from (select value ->> 'id' as id, value ->> 'was' as was, value ->> 'ns' as ns,
                    value ->> 'nf' as nf, value ->> 'ls' as ls, value ->> 'ua' as ua
                  from json_each(${rows})) as v
            where schedules.id = v.id and schedules.updated_at = v.was`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
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

  /** The owner's books on the reading shelf (newest first, at most 50), with their last logged page. */
  async readingBooks(ownerId: string): Promise<ReadingBook[]> {
    const rows = await readingBooksOf(this.db, { ownerId });
    return rows.map((b) => ({ id: b.id, title: b.title, totalPages: b.total_pages, lastPage: b.last_page }));
  }
}
