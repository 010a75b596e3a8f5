import type { Insertable, Kysely, Selectable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { BookRow } from "../books/books.repo.js";
import type { ReadingRow, StatusChangeRow } from "../books/readings.repo.js";
import type { ImportKeysTable, ImportsTables } from "./imports.tables.js";

export type ImportKeyRow = Selectable<ImportKeysTable>;

/** Rows per INSERT: far below both engines' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535). */
const BATCH = 500;

type BookFields = Pick<
  BookRow,
  "id" | "title" | "authors" | "isbn10" | "isbn13" | "total_pages" | "status" | "current_reading_id"
>;
type ReadingFields = Pick<
  ReadingRow,
  "id" | "book_id" | "status" | "started_on" | "finished_on" | "rating" | "review"
>;

/** SQL for imports: the owner's library in one read, bulk inserts in batches. Every query filters on owner_id. */
export class ImportRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<ImportsTables> {
    return this.scope.db;
  }

  /** What matching needs of the owner's library: books, read-throughs and outside ids. */
  async library(
    ownerId: string,
  ): Promise<{ books: BookFields[]; readings: ReadingFields[]; keys: ImportKeyRow[] }> {
    const [books, readings, keys] = await Promise.all([
      this.db
        .selectFrom("books")
        .select(["id", "title", "authors", "isbn10", "isbn13", "total_pages", "status", "current_reading_id"])
        .where("owner_id", "=", ownerId)
        .orderBy("id")
        .execute(),
      this.db
        .selectFrom("readings")
        .select(["id", "book_id", "status", "started_on", "finished_on", "rating", "review"])
        .where("owner_id", "=", ownerId)
        .orderBy("id")
        .execute(),
      this.db.selectFrom("import_keys").selectAll().where("owner_id", "=", ownerId).execute(),
    ]);
    return { books, readings, keys };
  }

  async insertBooks(rows: BookRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH)
      await this.db
        .insertInto("books")
        .values(rows.slice(i, i + BATCH))
        .execute();
  }

  async insertReadings(rows: ReadingRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH)
      await this.db
        .insertInto("readings")
        .values(rows.slice(i, i + BATCH))
        .execute();
  }

  async insertChanges(rows: StatusChangeRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH)
      await this.db
        .insertInto("status_changes")
        .values(rows.slice(i, i + BATCH))
        .execute();
  }

  async insertKeys(rows: Insertable<ImportKeysTable>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH)
      await this.db
        .insertInto("import_keys")
        .values(rows.slice(i, i + BATCH))
        .execute();
  }

  async updateBook(ownerId: string, id: string, patch: Partial<BookRow>): Promise<void> {
    await this.db
      .updateTable("books")
      .set(patch)
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .execute();
  }

  async updateReading(ownerId: string, id: string, patch: Partial<ReadingRow>): Promise<void> {
    await this.db
      .updateTable("readings")
      .set(patch)
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .execute();
  }
}
