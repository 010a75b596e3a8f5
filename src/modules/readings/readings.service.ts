import type { Clock } from "../../platform/clock.js";
import { type Db, type DbKind, inTransaction } from "../../platform/db/database.js";
import type { ReadingStatus } from "../../platform/db/schema.js";
import { conflict, invalidField, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { checkPastDate, type LocalDate, localDateOf } from "../../platform/local-date.js";
import { type BookRow, BooksRepo } from "../books/books.repo.js";
import { type ReadingRow, ReadingsRepo, type StatusChangeRow } from "./readings.repo.js";

/** The user a use case acts for: whose rows, and which zone their days are in. */
export interface Reader {
  id: string;
  timezone: string;
}

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

/** Called inside the transaction that moves a book to finished (e.g. to create its review card). */
export type OnFinished = (tx: Db, reader: Reader, book: BookRow) => Promise<void>;

/** Read-throughs and shelf moves. */
export class ReadingsService {
  constructor(
    private readonly db: Db,
    private readonly kind: DbKind,
    private readonly clock: Clock,
    private readonly onFinished?: OnFinished,
  ) {}

  /**
   * Inside `tx`: opens a new read-through of `book`, records its first shelf move and makes it the
   * book's current one. Explicit dates (imports) are taken as given.
   */
  async open(tx: Db, reader: Reader, book: BookRow, input: OpenReading, from: ReadingStatus | null = null) {
    const now = this.clock.now();
    const at = now.toISOString();
    const date = input.date ?? input.finishedOn ?? input.startedOn ?? localDateOf(now, reader.timezone);
    const reading: ReadingRow = {
      id: newId(now.getTime()),
      owner_id: reader.id,
      book_id: book.id,
      status: input.status,
      started_on: input.startedOn ?? (input.status === "reading" ? date : null),
      finished_on: input.finishedOn ?? (input.status === "finished" ? date : null),
      rating: input.rating ?? null,
      review: input.review ?? null,
      created_at: at,
      updated_at: at,
    };
    const readings = new ReadingsRepo(tx, this.kind);
    await readings.insert(reading);
    await readings.insertChange(change(reader, reading.id, from, input.status, date, now));
    await new BooksRepo(tx).setCurrent(book.id, reading.id, input.status, at);
    if (input.status === "finished") await this.onFinished?.(tx, reader, book);
    return reading;
  }

  /**
   * Inside `tx`: moves the current read-through to `to` on local day `date`, or opens a new read-through
   * when leaving finished/abandoned. 409 naming both statuses when the move is not allowed.
   */
  async applyMove(
    tx: Db,
    reader: Reader,
    book: BookRow,
    current: ReadingRow,
    to: ReadingStatus,
    date: LocalDate,
  ) {
    const from = current.status;
    if (!MOVES[from].includes(to))
      throw conflict(
        `A book cannot move from ${from} to ${to}` +
          (MOVES[from].length ? ` (from ${from}: ${MOVES[from].join(", ")})` : ""),
      );
    if (from === "finished" || from === "abandoned")
      return this.open(tx, reader, book, { status: to, startedOn: date, date }, from);
    if (to === "finished" && current.started_on && date < current.started_on)
      throw invalidField(
        "/body/date",
        "after-start",
        `${date} is before the reading started (${current.started_on})`,
      );
    const now = this.clock.now();
    const at = now.toISOString();
    const patch = {
      status: to,
      updated_at: at,
      ...(to === "reading" && !current.started_on ? { started_on: date } : {}),
      ...(to === "finished" ? { finished_on: date } : {}),
    };
    const readings = new ReadingsRepo(tx, this.kind);
    await readings.update(current.id, patch);
    await readings.insertChange(change(reader, current.id, from, to, date, now));
    await new BooksRepo(tx).setCurrent(book.id, current.id, to, at);
    if (to === "finished") await this.onFinished?.(tx, reader, book);
    return { ...current, ...patch };
  }

  /**
   * Moves a book to another shelf on `date` (default today in the reader's zone); in `db` when it is a
   * transaction (the caller's unit of work).
   */
  async move(reader: Reader, bookId: string, input: { status: ReadingStatus; date?: string }, db = this.db) {
    const now = this.clock.now();
    const date = input.date
      ? checkPastDate(input.date, reader.timezone, now, "/body/date")
      : localDateOf(now, reader.timezone);
    return inTransaction(db, async (tx) => {
      const { book, current } = await this.current(tx, reader, bookId);
      const reading = await this.applyMove(tx, reader, book, current, input.status, date);
      const updated = await new BooksRepo(tx).byId(reader.id, bookId);
      return { book: updated!, reading };
    });
  }

  /** Inside `tx`: the reader's book and its current read-through (locked on PostgreSQL); 404 when not theirs. */
  async current(tx: Db, reader: Reader, bookId: string): Promise<{ book: BookRow; current: ReadingRow }> {
    const book = await new BooksRepo(tx).byId(reader.id, bookId);
    if (!book) throw notFound("Book");
    return { book, current: await this.currentOf(tx, reader, book) };
  }

  /** Inside `tx`: as `current`, for a book row the caller already read in `tx`. */
  async currentOf(tx: Db, reader: Reader, book: BookRow): Promise<ReadingRow> {
    if (!book.current_reading_id || book.owner_id !== reader.id) throw notFound("Book");
    const readings = new ReadingsRepo(tx, this.kind);
    await readings.lock(book.current_reading_id);
    const current = await readings.byId(reader.id, book.current_reading_id);
    if (!current) throw notFound("Book");
    return current;
  }

  /** A book's read-throughs, oldest first, each with its shelf moves; 404 when the book is not theirs. */
  async list(reader: Reader, bookId: string) {
    const book = await new BooksRepo(this.db).byId(reader.id, bookId);
    if (!book) throw notFound("Book");
    const repo = new ReadingsRepo(this.db, this.kind);
    const readings = await repo.listForBook(reader.id, bookId);
    const changes = await repo.changesFor(readings.map((r) => r.id));
    return readings.map((r) => ({
      reading: r,
      current: r.id === book.current_reading_id,
      changes: changes.filter((c) => c.reading_id === r.id),
    }));
  }

  /** Records an earlier read-through of a book (imports) without changing the current one. */
  async addPast(reader: Reader, bookId: string, input: OpenReading & { status: "finished" | "abandoned" }) {
    return this.db.transaction().execute(async (tx) => {
      const { book } = await this.current(tx, reader, bookId);
      const reading = await this.open(tx, reader, book, input);
      await new BooksRepo(tx).setCurrent(book.id, book.current_reading_id!, book.status, book.updated_at);
      return reading;
    });
  }
}

function change(
  reader: Reader,
  readingId: string,
  from: ReadingStatus | null,
  to: ReadingStatus,
  date: LocalDate,
  now: Date,
): StatusChangeRow {
  return {
    id: newId(now.getTime()),
    owner_id: reader.id,
    reading_id: readingId,
    from_status: from,
    to_status: to,
    local_date: date,
    changed_at: now.toISOString(),
  };
}
