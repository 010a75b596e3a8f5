import type { Actor } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { conflict, invalidField, notFound } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { checkPastDate, type LocalDate, localDateOf } from "../../platform/local-date.js";
import { bookShelved, readingFinished } from "./books.events.js";
import type { BookRow, BooksRepo } from "./books.repo.js";
import type { ReadingStatus } from "./books.tables.js";
import type { ReadingRow, ReadingsRepo, StatusChangeRow } from "./readings.repo.js";

/** Allowed shelf moves. Leaving finished or abandoned for reading starts a new read-through. */
export const MOVES: Record<ReadingStatus, readonly ReadingStatus[]> = {
  wishlist: ["reading", "abandoned"],
  reading: ["paused", "finished", "abandoned"],
  paused: ["reading", "finished", "abandoned"],
  finished: ["reading"],
  abandoned: ["reading"],
};

export interface OpenReading {
  status: ReadingStatus;
  startedOn?: LocalDate | null;
  finishedOn?: LocalDate | null;
  rating?: number | null;
  review?: string | null;
  /** The day of the first shelf move; defaults to finishedOn, startedOn, then today. */
  date?: LocalDate;
}

export interface ReadingsDeps {
  uow: UnitOfWork;
  books: BooksRepo;
  readings: ReadingsRepo;
  clock: Clock;
  events: EventLog;
  access: AccessControl;
}

/** Read-throughs and shelf moves. Every write runs in the caller's unit of work (or one of its own). */
export class ReadingsService {
  constructor(private readonly d: ReadingsDeps) {}

  /**
   * Opens a new read-through of `book`, records its first shelf move and makes it the book's current one.
   * Explicit dates (imports) are taken as given.
   */
  open(
    actor: Actor,
    book: BookRow,
    input: OpenReading,
    from: ReadingStatus | null = null,
  ): Promise<ReadingRow> {
    return this.d.uow.transaction(async () => {
      const now = this.d.clock.now();
      const at = now.toISOString();
      const { date, reading } = newReading(actor, book, input, now);
      await this.d.readings.insert(reading);
      await this.d.readings.insertChange(change(book.owner_id, reading.id, from, input.status, date, now));
      await this.d.books.setCurrent(book.id, reading.id, input.status, at);
      await this.shelved(book, reading.id, from, input.status, date);
      return reading;
    });
  }

  /**
   * `open` for books not yet written (a bulk create): the first read-through of each, its shelf move and
   * their events, written with one INSERT per table per 500 rows. Returns each book with its current
   * read-through set, for the caller to insert first.
   */
  async openMany(
    actor: Actor,
    items: ReadonlyArray<{ book: BookRow; input: OpenReading }>,
    writeBooks: (books: BookRow[]) => Promise<void>,
  ): Promise<Array<{ book: BookRow; reading: ReadingRow }>> {
    const now = this.d.clock.now();
    const at = now.toISOString();
    const out = items.map(({ book, input }) => {
      const { date, reading } = newReading(actor, book, input, now);
      const current = { ...book, current_reading_id: reading.id, status: input.status, updated_at: at };
      return {
        book: current,
        reading,
        change: change(book.owner_id, reading.id, null, input.status, date, now),
      };
    });
    await this.d.uow.transaction(async () => {
      await writeBooks(out.map((o) => o.book));
      await this.d.readings.insertMany(out.map((o) => o.reading));
      await this.d.readings.insertChanges(out.map((o) => o.change));
      await this.d.events.recordMany(
        out.flatMap(({ book, reading, change: c }) => {
          const meta = { aggregateId: book.id, ownerId: book.owner_id };
          const date = c.local_date;
          const shelved = {
            def: bookShelved,
            payload: { bookId: book.id, readingId: reading.id, from: null, to: reading.status, date },
            meta,
          };
          return reading.status === "finished"
            ? [
                shelved,
                { def: readingFinished, payload: { bookId: book.id, readingId: reading.id, date }, meta },
              ]
            : [shelved];
        }),
      );
    });
    return out.map(({ book, reading }) => ({ book, reading }));
  }

  /**
   * Moves the current read-through to `to` on local day `date`, or opens a new read-through when leaving
   * finished/abandoned. 409 naming both statuses when the move is not allowed.
   */
  applyMove(actor: Actor, book: BookRow, current: ReadingRow, to: ReadingStatus, date: LocalDate) {
    const from = current.status;
    if (!MOVES[from].includes(to))
      throw conflict(
        `A book cannot move from ${from} to ${to}` +
          (MOVES[from].length ? ` (from ${from}: ${MOVES[from].join(", ")})` : ""),
      );
    if (from === "finished" || from === "abandoned")
      return this.open(actor, book, { status: to, startedOn: date, date }, from);
    if (to === "finished" && current.started_on && date < current.started_on)
      throw invalidField(
        "/body/date",
        "after-start",
        `${date} is before the reading started (${current.started_on})`,
      );
    return this.d.uow.transaction(async () => {
      const now = this.d.clock.now();
      const at = now.toISOString();
      const patch = {
        status: to,
        updated_at: at,
        ...(to === "reading" && !current.started_on ? { started_on: date } : {}),
        ...(to === "finished" ? { finished_on: date } : {}),
      };
      await this.d.readings.update(current.id, patch);
      await this.d.readings.insertChange(change(book.owner_id, current.id, from, to, date, now));
      await this.d.books.setCurrent(book.id, current.id, to, at);
      await this.shelved(book, current.id, from, to, date);
      return { ...current, ...patch };
    });
  }

  /** The events of a shelf move, recorded after its writes (so they follow the book's row lock). */
  private async shelved(
    book: BookRow,
    readingId: string,
    from: ReadingStatus | null,
    to: ReadingStatus,
    date: string,
  ) {
    const meta = { aggregateId: book.id, ownerId: book.owner_id };
    await this.d.events.record(bookShelved, { bookId: book.id, readingId, from, to, date }, meta);
    if (to === "finished")
      await this.d.events.record(readingFinished, { bookId: book.id, readingId, date }, meta);
  }

  /** Moves a book to another shelf on `date` (default today in the actor's zone). */
  async move(actor: Actor, bookId: string, input: { status: ReadingStatus; date?: string }) {
    const now = this.d.clock.now();
    const date = input.date
      ? checkPastDate(input.date, actor.timezone, now, "/body/date")
      : localDateOf(now, actor.timezone);
    return this.d.uow.transaction(async () => {
      const { book, current } = await this.current(actor, bookId);
      const reading = await this.applyMove(actor, book, current, input.status, date);
      const updated = await this.d.books.byId(book.owner_id, bookId);
      return { book: updated!, reading };
    });
  }

  /**
   * The book and its current read-through (locked on PostgreSQL until the unit of work ends), for a change;
   * 404 when the actor may not change it.
   */
  async current(actor: Actor, bookId: string): Promise<{ book: BookRow; current: ReadingRow }> {
    const book = await this.d.books.byId(actor.userId, bookId);
    if (!book) throw notFound("Book");
    return { book, current: await this.currentOf(actor, book) };
  }

  /** As `current`, for a book row the caller already read in its unit of work. */
  async currentOf(actor: Actor, book: BookRow): Promise<ReadingRow> {
    await this.d.access.require(actor, "book.update", book.id, [{ id: book.id, ownerId: book.owner_id }]);
    if (!book.current_reading_id) throw notFound("Book");
    await this.d.readings.lock(book.current_reading_id);
    const current = await this.d.readings.byId(book.owner_id, book.current_reading_id);
    if (!current) throw notFound("Book");
    return current;
  }

  /** A book's read-throughs, oldest first, each with its shelf moves; 404 when the actor may not read it. */
  async list(actor: Actor, bookId: string) {
    const book = await this.d.books.byId(actor.userId, bookId);
    if (!book) throw notFound("Book");
    await this.d.access.require(actor, "book.read", book.id, [{ id: book.id, ownerId: book.owner_id }]);
    const readings = await this.d.readings.listForBook(book.owner_id, bookId);
    const changes = await this.d.readings.changesFor(readings.map((r) => r.id));
    return readings.map((r) => ({
      reading: r,
      current: r.id === book.current_reading_id,
      changes: changes.filter((c) => c.reading_id === r.id),
    }));
  }

  /** Records an earlier read-through of a book (imports) without changing the current one. */
  addPast(actor: Actor, bookId: string, input: OpenReading & { status: "finished" | "abandoned" }) {
    return this.d.uow.transaction(async () => {
      const { book } = await this.current(actor, bookId);
      const reading = await this.open(actor, book, input);
      await this.d.books.setCurrent(book.id, book.current_reading_id!, book.status, book.updated_at);
      return reading;
    });
  }
}

function change(
  ownerId: string,
  readingId: string,
  from: ReadingStatus | null,
  to: ReadingStatus,
  date: LocalDate,
  now: Date,
): StatusChangeRow {
  return {
    id: newId(now.getTime()),
    owner_id: ownerId,
    reading_id: readingId,
    from_status: from,
    to_status: to,
    local_date: date,
    changed_at: now.toISOString(),
  };
}

/** A book's new read-through as `input` opens it at `now`, and the local date its shelf move is dated. */
function newReading(
  actor: Actor,
  book: BookRow,
  input: OpenReading,
  now: Date,
): { date: string; reading: ReadingRow } {
  const at = now.toISOString();
  const date = input.date ?? input.finishedOn ?? input.startedOn ?? localDateOf(now, actor.timezone);
  const reading: ReadingRow = {
    id: newId(now.getTime()),
    owner_id: book.owner_id,
    book_id: book.id,
    status: input.status,
    started_on: input.startedOn ?? (input.status === "reading" ? date : null),
    finished_on: input.finishedOn ?? (input.status === "finished" ? date : null),
    rating: input.rating ?? null,
    review: input.review ?? null,
    created_at: at,
    updated_at: at,
  };
  return { date, reading };
}
