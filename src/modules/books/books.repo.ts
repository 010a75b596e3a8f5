import { type Kysely, type Selectable, sql } from "kysely";
import { chunks } from "../../platform/db/chunks.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { BooksTable, BooksTables, ReadingStatus } from "./books.tables.js";

type Db = Kysely<BooksTables>;

export type BookRow = Selectable<BooksTable>;
export type BookPatch = Partial<
  Pick<BookRow, "title" | "authors" | "isbn10" | "isbn13" | "total_pages" | "cover_url" | "metadata_source">
>;

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Looked up by every progress message, compiled once.
const bookById = precompiledOn((db: Db, p: { id: string; ownerId: string }) =>
  db.selectFrom("books").selectAll().where("id", "=", p.id).where("owner_id", "=", p.ownerId),
);
const newestBooks = precompiledOn((db: Db, p: { ownerId: string; limit: number }) =>
  db.selectFrom("books").selectAll().where("owner_id", "=", p.ownerId).orderBy("id", "desc").limit(p.limit),
);

type BooksQuery = (db: Db, p: { ownerId: string; limit: number }) => Promise<BookRow[]>;
// The books on some shelves: compiled once per set of shelves (text commands use a few). No ORDER BY, so that
// SQLite reads books_owner_status_idx (only those books) rather than every book of the owner in id order.
const onShelvesBy = new Map<string, BooksQuery>();
function onShelvesQuery(statuses: readonly ReadingStatus[]): BooksQuery {
  const key = statuses.join(",");
  let q = onShelvesBy.get(key);
  if (!q) {
    q = precompiledOn((db: Db, p: { ownerId: string; limit: number }) =>
      db
        .selectFrom("books")
        .selectAll()
        .where("owner_id", "=", p.ownerId)
        .where("status", "in", statuses)
        .limit(p.limit),
    );
    onShelvesBy.set(key, q);
  }
  return q;
}

/** SQL for books. Every query filters on owner_id. */
export class BooksRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  async insert(row: BookRow): Promise<void> {
    await this.db.insertInto("books").values(row).execute();
  }

  /** Books in one INSERT per 500 rows. */
  async insertMany(rows: readonly BookRow[]): Promise<void> {
    for (const part of chunks(rows)) await this.db.insertInto("books").values(part).execute();
  }

  /** The owner's book with this id, or undefined (also for another user's book). */
  async byId(ownerId: string, id: string): Promise<BookRow | undefined> {
    return (await bookById(this.db, { id, ownerId }))[0];
  }

  /** Who owns the book with this id (for the access check of a shared book), or undefined. */
  async ownerOf(id: string): Promise<string | undefined> {
    const r = await this.db.selectFrom("books").select("owner_id").where("id", "=", id).executeTakeFirst();
    return r?.owner_id;
  }

  /** The owner's books, newest first, before `cursor`, optionally on one shelf or matching a title. */
  list(
    ownerId: string,
    opts: { limit: number; cursor?: string; status?: ReadingStatus; q?: string },
  ): Promise<BookRow[]> {
    if (!opts.status && !opts.cursor && opts.q === undefined)
      return newestBooks(this.db, { ownerId, limit: opts.limit });
    let q = this.db
      .selectFrom("books")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .orderBy("id", "desc")
      .limit(opts.limit);
    if (opts.status) q = q.where("status", "=", opts.status);
    if (opts.cursor) q = q.where("id", "<", opts.cursor);
    // An explicit escape character: SQLite has no default one.
    if (opts.q) q = q.where(sql<boolean>`lower(title) like ${likePattern(opts.q)} escape '\\'`);
    return q.execute();
  }

  /** The owner's books on any of these shelves, newest first (as `list`, filtered; up to `limit` of them). */
  async onShelves(ownerId: string, statuses: readonly ReadingStatus[], limit: number): Promise<BookRow[]> {
    if (statuses.length === 0) return [];
    const rows = await onShelvesQuery(statuses)(this.db, { ownerId, limit });
    return rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  async update(ownerId: string, id: string, patch: BookPatch & { updated_at: string }): Promise<void> {
    await this.db
      .updateTable("books")
      .set(patch)
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .execute();
  }

  /** Points the book at its current read-through and mirrors that read-through's status. */
  async setCurrent(id: string, readingId: string, status: ReadingStatus, at: string): Promise<void> {
    await this.db
      .updateTable("books")
      .set({ current_reading_id: readingId, status, updated_at: at })
      .where("id", "=", id)
      .execute();
  }

  /** Deletes the book and (by cascade) its read-throughs, shelf moves and progress; false when not theirs. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("books")
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
