import type { Clock } from "../../platform/clock.js";
import { type Db, inTransaction } from "../../platform/db/database.js";
import type { EntrySource } from "../../platform/db/schema.js";
import { conflict, invalidField, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { checkPastDate, localDateOf } from "../../platform/local-date.js";
import { type BookRow, BooksRepo } from "../books/books.repo.js";
import type { ReadingRow } from "../readings/readings.repo.js";
import type { Reader, ReadingsService } from "../readings/readings.service.js";
import { type EntryRow, ProgressRepo } from "./progress.repo.js";

export interface RecordInput {
  page?: number;
  percent?: number;
  /** Backfill: the local day the pages were read (YYYY-MM-DD), not after today in the reader's zone. */
  date?: string;
  /** Allows a page below the last one; the new entry supersedes the last entry (which is kept). */
  correction?: boolean;
  /** Sets the book's total pages first (e.g. "dune 142/412"). */
  totalPages?: number;
  source?: EntrySource;
  note?: string;
}

/** Reads of `record` a caller made already in its transaction (see `record`'s `prior`). */
export interface Prior {
  book: BookRow;
  current: ReadingRow;
  /** The newest entry of `current`, and the newest with a page (`ProgressRepo.last`). */
  last: EntryRow | undefined;
  lastPaged: EntryRow | undefined;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The progress log. Entries are appended, never changed: a correction is a new entry that supersedes the
 * last one. Each entry stores `pages_delta`, the pages it adds to its local day, so day, calendar and stats
 * figures are sums over an index.
 */
export class ProgressService {
  constructor(
    private readonly db: Db,
    private readonly readings: ReadingsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the reader's position in a book's current read-through. A paused read-through resumes
   * (a paused→reading shelf move on the entry's day); any other shelf but reading answers 409.
   * `at` overrides the recording instant (imports).
   */
  async record(
    reader: Reader,
    bookId: string,
    input: RecordInput,
    opts: {
      at?: Date;
      /** Runs inside the recording transaction after the entry is written (e.g. the text undo log). */
      also?: (tx: Db, entry: EntryRow) => Promise<void>;
      /** A transaction of the caller to record in (its unit of work commits as a whole); default: a new one. */
      db?: Db;
      /**
       * What the caller already read in `db` after `ReadingsService.currentOf` (which locks the read-through
       * on PostgreSQL): the book, its current read-through and its last entries, so they are not read again.
       */
      prior?: Prior;
    } = {},
  ) {
    if (input.page === undefined && input.percent === undefined)
      throw invalidField("/body/page", "required", "Send page or percent");
    const now = opts.at ?? this.clock.now();
    const today = localDateOf(this.clock.now(), reader.timezone);
    const date = input.date
      ? checkPastDate(input.date, reader.timezone, this.clock.now(), "/body/date")
      : undefined;

    const prior = opts.prior;
    if (prior && (!opts.db?.isTransaction || prior.book.id !== bookId))
      throw new Error("record: prior reads need the caller's transaction and the same book");
    return inTransaction(opts.db ?? this.db, async (tx) => {
      let { book, current } = prior ?? (await this.readings.current(tx, reader, bookId));
      if (current.status === "paused")
        current = await this.readings.applyMove(tx, reader, book, current, "reading", date ?? today);
      else if (current.status !== "reading")
        throw conflict(
          `Progress is recorded for a book being read; this one is on ${current.status} (start it first)`,
        );
      if (input.totalPages !== undefined && input.totalPages !== book.total_pages) {
        const replaced = input.correction
          ? prior
            ? prior.last
            : await new ProgressRepo(tx).last(current.id)
          : undefined;
        await checkTotalPages(tx, current.id, input.totalPages, replaced?.id);
        await new BooksRepo(tx).update(reader.id, book.id, {
          total_pages: input.totalPages,
          updated_at: now.toISOString(),
        });
        book = { ...book, total_pages: input.totalPages };
      }

      const repo = new ProgressRepo(tx);
      const last = prior ? prior.last : await repo.last(current.id);
      const lastPaged = prior
        ? prior.lastPaged
        : last?.page != null
          ? last
          : await repo.last(current.id, true);
      const prevPage = lastPaged?.page ?? 0;
      const total = book.total_pages;
      const page =
        input.page ??
        (input.percent !== undefined && total ? Math.round((input.percent * total) / 100) : null);
      if (page !== null && total !== null && page > total)
        throw invalidField("/body/page", "maximum", `Page ${page} is beyond the book's ${total} pages`);
      const percent = input.percent ?? (page !== null && total ? round2((page / total) * 100) : null);
      if (!input.correction) {
        if (page !== null && page < prevPage)
          throw invalidField(
            "/body/page",
            "not-below-last",
            `Page ${page} is below the last recorded page ${prevPage}; send correction: true to correct it`,
          );
        if (page === null && percent !== null && last?.percent != null && percent < last.percent)
          throw invalidField(
            "/body/percent",
            "not-below-last",
            `${percent}% is below the last recorded ${last.percent}%; send correction: true to correct it`,
          );
      }
      const supersedes = input.correction && last ? last : undefined;
      // Entries of a read-through are ordered by recorded_at: keep it strictly increasing even when two
      // arrive within the same millisecond (imports pass their own instants and are taken as given).
      const lastAt = last ? Date.parse(last.recorded_at) : Number.NEGATIVE_INFINITY;
      const at = !opts.at && now.getTime() <= lastAt ? new Date(lastAt + 1) : now;
      const row: EntryRow = {
        id: newId(at.getTime()),
        owner_id: reader.id,
        reading_id: current.id,
        book_id: book.id,
        page,
        percent,
        // A correction belongs to the day of the entry it corrects, so that day's total comes out right.
        local_date: date ?? supersedes?.local_date ?? localDateOf(now, reader.timezone),
        recorded_at: at.toISOString(),
        source: input.source ?? "api",
        supersedes: supersedes?.id ?? null,
        pages_delta: page !== null ? page - prevPage : 0,
        note: input.note ?? null,
      };
      if (current.started_on && row.local_date < current.started_on)
        throw invalidField(
          "/body/date",
          "after-start",
          `${row.local_date} is before this read-through started (${current.started_on})`,
        );
      await repo.insert(row);
      await opts.also?.(tx, row);
      const pagesToday = await repo.bookPagesOn(reader.id, book.id, today);
      return {
        entry: row,
        currentPage: page ?? lastPaged?.page ?? null,
        percent,
        totalPages: total,
        pagesToday,
        pagesThatDay:
          row.local_date === today ? pagesToday : await repo.bookPagesOn(reader.id, book.id, row.local_date),
      };
    });
  }

  /** A book's entries, newest first (limit + 1 rows, for paging); 404 when the book is not theirs. */
  async list(reader: Reader, bookId: string, opts: { limit: number; cursor?: string; readingId?: string }) {
    if (!(await new BooksRepo(this.db).byId(reader.id, bookId))) throw notFound("Book");
    return new ProgressRepo(this.db).list(reader.id, bookId, { ...opts, limit: opts.limit + 1 });
  }
}

/**
 * A book's total pages are never below a page of its current read-through still in effect (one that no
 * later entry corrected; `except`: the entry a correction being recorded replaces), so no entry is ever
 * beyond its book (the restore checks the same).
 */
export async function checkTotalPages(
  db: Db,
  readingId: string,
  total: number,
  except?: string,
): Promise<void> {
  const highest = await new ProgressRepo(db).highestPageInEffect(readingId, except);
  if (highest > total)
    throw invalidField(
      "/body/totalPages",
      "not-below-progress",
      `p.${highest} is recorded for this read-through: total pages cannot be below it (correct that page first)`,
    );
}
