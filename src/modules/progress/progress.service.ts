import type { Actor } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { conflict, invalidField } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { checkPastDate, localDateOf } from "../../platform/local-date.js";
import type { BookRow, BooksRepo } from "../books/books.repo.js";
import type { BooksService } from "../books/books.service.js";
import type { ReadingRow } from "../books/readings.repo.js";
import type { ReadingsService } from "../books/readings.service.js";
import { progressRecorded } from "./progress.events.js";
import type { EntryRow, ProgressRepo } from "./progress.repo.js";
import type { EntrySource } from "./progress.tables.js";

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

/** Reads of `record` a caller made already in its unit of work (see `record`'s `prior`). */
export interface Prior {
  book: BookRow;
  current: ReadingRow;
  /** The newest entry of `current`, and the newest with a page (`ProgressRepo.last`). */
  last: EntryRow | undefined;
  lastPaged: EntryRow | undefined;
}

/** Days of a book's own recent pace used to project its finish date. */
export const PACE_DAYS = 14;

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The progress log. Entries are appended, never changed: a correction is a new entry that supersedes the
 * last one. Each entry stores `pages_delta`, the pages it adds to its local day, so day, calendar and stats
 * figures are sums over an index.
 */
export class ProgressService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      entries: ProgressRepo;
      booksRepo: BooksRepo;
      books: BooksService;
      readings: ReadingsService;
      clock: Clock;
      events: EventLog;
    },
  ) {}

  /**
   * Records the reader's position in a book's current read-through. A paused read-through resumes
   * (a paused→reading shelf move on the entry's day); any other shelf but reading answers 409.
   * `at` overrides the recording instant (imports).
   */
  async record(
    actor: Actor,
    bookId: string,
    input: RecordInput,
    opts: {
      at?: Date;
      /**
       * What the caller already read in its unit of work after `ReadingsService.currentOf` (which locks the
       * read-through on PostgreSQL): the book, its current read-through and its last entries, so they are
       * not read again.
       */
      prior?: Prior;
    } = {},
  ) {
    if (input.page === undefined && input.percent === undefined)
      throw invalidField("/body/page", "required", "Send page or percent");
    const now = opts.at ?? this.d.clock.now();
    const today = localDateOf(this.d.clock.now(), actor.timezone);
    const date = input.date
      ? checkPastDate(input.date, actor.timezone, this.d.clock.now(), "/body/date")
      : undefined;

    const prior = opts.prior;
    if (prior && (!this.d.uow.active || prior.book.id !== bookId))
      throw new Error("record: prior reads need the caller's unit of work and the same book");
    return this.d.uow.transaction(async () => {
      let { book, current } = prior ?? (await this.d.readings.current(actor, bookId));
      if (current.status === "paused")
        current = await this.d.readings.applyMove(actor, book, current, "reading", date ?? today);
      else if (current.status !== "reading")
        throw conflict(
          `Progress is recorded for a book being read; this one is on ${current.status} (start it first)`,
        );
      if (input.totalPages !== undefined && input.totalPages !== book.total_pages) {
        const replaced = input.correction
          ? prior
            ? prior.last
            : await this.d.entries.last(current.id)
          : undefined;
        await checkTotalPages(this.d.entries, current.id, input.totalPages, replaced?.id);
        await this.d.booksRepo.update(book.owner_id, book.id, {
          total_pages: input.totalPages,
          updated_at: now.toISOString(),
        });
        book = { ...book, total_pages: input.totalPages };
      }

      const repo = this.d.entries;
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
        owner_id: book.owner_id,
        reading_id: current.id,
        book_id: book.id,
        page,
        percent,
        // A correction belongs to the day of the entry it corrects, so that day's total comes out right.
        local_date: date ?? supersedes?.local_date ?? localDateOf(now, actor.timezone),
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
      const pagesThatDay = await repo.insert(row);
      await this.d.events.record(
        progressRecorded,
        {
          bookId: book.id,
          readingId: current.id,
          entryId: row.id,
          page,
          percent,
          date: row.local_date,
          correction: row.supersedes !== null,
        },
        { aggregateId: book.id, ownerId: book.owner_id },
      );
      return {
        entry: row,
        currentPage: page ?? lastPaged?.page ?? null,
        percent,
        totalPages: total,
        pagesToday:
          row.local_date === today ? pagesThatDay : await repo.bookPagesOn(book.owner_id, book.id, today),
        pagesThatDay,
      };
    });
  }

  /** A book's entries, newest first (limit + 1 rows, for paging); 404 when the book is not theirs. */
  async list(actor: Actor, bookId: string, opts: { limit: number; cursor?: string; readingId?: string }) {
    const book = await this.d.books.get(actor, bookId);
    return this.d.entries.list(book.owner_id, bookId, { ...opts, limit: opts.limit + 1 });
  }
}

/**
 * A book's total pages are never below a page of its current read-through still in effect (one that no
 * later entry corrected; `except`: the entry a correction being recorded replaces), so no entry is ever
 * beyond its book (the restore checks the same).
 */
export async function checkTotalPages(
  entries: Pick<ProgressRepo, "highestPageInEffect">,
  readingId: string,
  total: number,
  except?: string,
): Promise<void> {
  const highest = await entries.highestPageInEffect(readingId, except);
  if (highest > total)
    throw invalidField(
      "/body/totalPages",
      "not-below-progress",
      `p.${highest} is recorded for this read-through: total pages cannot be below it (correct that page first)`,
    );
}
