import type { Kysely, Selectable } from "kysely";
import { chunks } from "../../platform/db/chunks.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { BooksTables, ReadingsTable, StatusChangesTable } from "./books.tables.js";

type Db = Kysely<BooksTables>;

export type ReadingRow = Selectable<ReadingsTable>;
export type StatusChangeRow = Selectable<StatusChangesTable>;

const readingById = precompiledOn((db: Db, p: { id: string; ownerId: string }) =>
  db.selectFrom("readings").selectAll().where("id", "=", p.id).where("owner_id", "=", p.ownerId),
);
const lockReading = precompiledOn((db: Db, p: { id: string }) =>
  db.selectFrom("readings").select("id").where("id", "=", p.id).forUpdate(),
);

/** SQL for read-throughs and their shelf moves. */
export class ReadingsRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  async insert(row: ReadingRow): Promise<void> {
    await this.db.insertInto("readings").values(row).execute();
  }

  async insertChange(row: StatusChangeRow): Promise<void> {
    await this.db.insertInto("status_changes").values(row).execute();
  }

  /** Read-throughs in one INSERT per 500 rows. */
  async insertMany(rows: readonly ReadingRow[]): Promise<void> {
    for (const part of chunks(rows)) await this.db.insertInto("readings").values(part).execute();
  }

  async insertChanges(rows: readonly StatusChangeRow[]): Promise<void> {
    for (const part of chunks(rows)) await this.db.insertInto("status_changes").values(part).execute();
  }

  /** The owner's read-through with this id, or undefined. */
  /** Deletes the owner's read-through (its shelf moves go by cascade). */
  async delete(ownerId: string, id: string): Promise<void> {
    await this.db.deleteFrom("readings").where("id", "=", id).where("owner_id", "=", ownerId).execute();
  }

  async byId(ownerId: string, id: string): Promise<ReadingRow | undefined> {
    return (await readingById(this.db, { id, ownerId }))[0];
  }

  /**
   * Inside a transaction: takes the read-through's row lock on PostgreSQL, so concurrent progress or
   * shelf moves on one read-through run one after the other (SQLite transactions are already serial).
   */
  async lock(id: string): Promise<void> {
    if (this.scope.kind !== "postgres") return;
    await lockReading(this.db, { id });
  }

  /** A book's read-throughs, oldest first. */
  listForBook(ownerId: string, bookId: string): Promise<ReadingRow[]> {
    return this.db
      .selectFrom("readings")
      .selectAll()
      .where("book_id", "=", bookId)
      .where("owner_id", "=", ownerId)
      .orderBy("id")
      .execute();
  }

  /** The shelf moves of these read-throughs, in order. */
  changesFor(readingIds: string[]): Promise<StatusChangeRow[]> {
    if (readingIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom("status_changes")
      .selectAll()
      .where("reading_id", "in", readingIds)
      .orderBy("changed_at")
      .orderBy("id")
      .execute();
  }

  async update(
    id: string,
    patch: Partial<Pick<ReadingRow, "status" | "started_on" | "finished_on" | "rating" | "review">> & {
      updated_at: string;
    },
  ): Promise<void> {
    await this.db.updateTable("readings").set(patch).where("id", "=", id).execute();
  }
}
