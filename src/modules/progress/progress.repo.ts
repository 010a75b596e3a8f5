import { type Kysely, type Selectable, sql } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { DailyPagesTable, ProgressEntriesTable, ProgressTables } from "./progress.tables.js";

type Db = Kysely<ProgressTables>;

export type EntryRow = Selectable<ProgressEntriesTable>;
type DailyRow = Selectable<DailyPagesTable>;

// The queries of recording one entry (every progress message), compiled once.
const lastOf = precompiledOn((db: Db, p: { readingId: string }) =>
  db
    .selectFrom("progress_entries")
    .selectAll()
    .where("reading_id", "=", p.readingId)
    .orderBy("recorded_at", "desc")
    .orderBy("id", "desc")
    .limit(1),
);
const lastPagedOf = precompiledOn((db: Db, p: { readingId: string }) =>
  db
    .selectFrom("progress_entries")
    .selectAll()
    .where("reading_id", "=", p.readingId)
    .orderBy("recorded_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .where("page", "is not", null),
);
const pagesOn = precompiledOn((db: Db, p: { ownerId: string; date: string; bookId: string }) =>
  db
    .selectFrom("daily_pages")
    .select("pages")
    .where("owner_id", "=", p.ownerId)
    .where("local_date", "=", p.date)
    .where("book_id", "=", p.bookId),
);
const pagesBetween = precompiledOn(
  (db: Db, p: { ownerId: string; bookId: string; from: string; to: string }) =>
    db
      .selectFrom("daily_pages")
      .select(sql<number>`coalesce(sum(pages), 0)`.as("pages"))
      .where("owner_id", "=", p.ownerId)
      .where("local_date", ">=", p.from)
      .where("local_date", "<=", p.to)
      .where("book_id", "=", p.bookId),
);
const insertEntry = precompiledOn((db: Db, p: EntryRow) =>
  db.insertInto("progress_entries").values({
    id: p.id,
    owner_id: p.owner_id,
    reading_id: p.reading_id,
    book_id: p.book_id,
    page: p.page,
    percent: p.percent,
    local_date: p.local_date,
    recorded_at: p.recorded_at,
    source: p.source,
    supersedes: p.supersedes,
    pages_delta: p.pages_delta,
    note: p.note,
  }),
);
const addToDay = precompiledOn((db: Db, p: DailyRow) =>
  db
    .insertInto("daily_pages")
    .values({
      owner_id: p.owner_id,
      local_date: p.local_date,
      book_id: p.book_id,
      pages: p.pages,
      entries: p.entries,
    })
    .onConflict((oc) =>
      oc.columns(["owner_id", "local_date", "book_id"]).doUpdateSet((eb) => ({
        pages: sql<number>`${eb.ref("daily_pages.pages")} + ${eb.ref("excluded.pages")}`,
        entries: sql<number>`${eb.ref("daily_pages.entries")} + ${eb.ref("excluded.entries")}`,
      })),
    )
    .returning("pages"),
);

/**
 * SQL for the append-only progress log: rows are inserted and read, never updated. Every insert also adds
 * its pages_delta to daily_pages (owner, local day, book), which calendar and stats read.
 */
export class ProgressRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  /**
   * Appends an entry and adds it to its day's total; call inside a transaction. Returns the book's pages on
   * the entry's day, this entry included.
   */
  async insert(row: EntryRow): Promise<number> {
    await insertEntry(this.db, row);
    const [day] = await addToDay(this.db, {
      owner_id: row.owner_id,
      local_date: row.local_date,
      book_id: row.book_id,
      pages: row.pages_delta,
      entries: 1,
    });
    return Number(day?.pages ?? 0);
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

  /** The owner's entry, or undefined. */
  byId(ownerId: string, id: string): Promise<EntryRow | undefined> {
    return this.db
      .selectFrom("progress_entries")
      .selectAll()
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .executeTakeFirst();
  }

  /** The entry recorded just before `entry` in its read-through. */
  before(entry: EntryRow): Promise<EntryRow | undefined> {
    return this.db
      .selectFrom("progress_entries")
      .selectAll()
      .where("reading_id", "=", entry.reading_id)
      .where((eb) =>
        eb.or([
          eb("recorded_at", "<", entry.recorded_at),
          eb.and([eb("recorded_at", "=", entry.recorded_at), eb("id", "<", entry.id)]),
        ]),
      )
      .orderBy("recorded_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  /** The entries of `entry`'s read-through recorded after it, newest first. */
  after(entry: EntryRow) {
    return this.db
      .selectFrom("progress_entries")
      .select(["id", "note", "supersedes"])
      .where("reading_id", "=", entry.reading_id)
      .where((eb) =>
        eb.or([
          eb("recorded_at", ">", entry.recorded_at),
          eb.and([eb("recorded_at", "=", entry.recorded_at), eb("id", ">", entry.id)]),
        ]),
      )
      .orderBy("recorded_at", "desc")
      .orderBy("id", "desc")
      .execute();
  }

  /** Whether any progress was recorded for the book (any read-through) or, given, one read-through. */
  async hasEntries(ownerId: string, by: { bookId?: string; readingId?: string }): Promise<boolean> {
    let q = this.db.selectFrom("progress_entries").select("id").where("owner_id", "=", ownerId).limit(1);
    if (by.bookId) q = q.where("book_id", "=", by.bookId);
    if (by.readingId) q = q.where("reading_id", "=", by.readingId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** The most recently recorded entry of a read-through (index progress_reading_idx, newest end). */
  async last(readingId: string, withPage = false): Promise<EntryRow | undefined> {
    return (await (withPage ? lastPagedOf : lastOf)(this.db, { readingId }))[0];
  }

  /**
   * The highest page of a read-through still in effect (recorded and not corrected by a later entry),
   * leaving out `except` (the entry a correction being recorded replaces); 0 without any.
   */
  async highestPageInEffect(readingId: string, except?: string): Promise<number> {
    let q = this.db
      .selectFrom("progress_entries as e")
      .select(sql<number | null>`max(e.page)`.as("page"))
      .where("e.reading_id", "=", readingId)
      .where("e.page", "is not", null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("progress_entries as s")
              .select("s.id")
              .whereRef("s.reading_id", "=", "e.reading_id")
              .whereRef("s.supersedes", "=", "e.id"),
          ),
        ),
      );
    if (except) q = q.where("e.id", "!=", except);
    const r = await q.executeTakeFirst();
    return Number(r?.page ?? 0);
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

  /** Pages of one book over the local days `from`..`to` (inclusive). */
  async bookPagesBetween(ownerId: string, bookId: string, from: string, to: string): Promise<number> {
    const [r] = await pagesBetween(this.db, { ownerId, bookId, from, to });
    return Number(r?.pages ?? 0);
  }

  /** Pages of one book on one local day (one daily_pages row). */
  async bookPagesOn(ownerId: string, bookId: string, date: string): Promise<number> {
    const [r] = await pagesOn(this.db, { ownerId, date, bookId });
    return Number(r?.pages ?? 0);
  }
}
