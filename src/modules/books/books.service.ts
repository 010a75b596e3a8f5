import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { invalidField, notFound } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { bookCreated, bookDeleted, bookUpdated } from "./books.events.js";
import type { BookPatch, BookRow, BooksRepo } from "./books.repo.js";
import type { ReadingStatus } from "./books.tables.js";
import { type Isbns, isbnOfLength, parseIsbn } from "./isbn.js";
import { type BookMetadata, type MetadataLookup, noMetadata } from "./metadata.js";
import type { OpenReading, ReadingsService } from "./readings.service.js";

/**
 * What the module that keeps the progress log says about a book's pages: a book's total pages may not go
 * below a page still in effect; a book with pages logged is not removed by `undo` (the progress module
 * registers itself; see `useProgressFacts`).
 */
export interface ProgressFacts {
  /** Throws a field error on /body/totalPages when `total` is below a page recorded for the read-through. */
  checkTotalPages(readingId: string, total: number): Promise<void>;
  /** Whether any progress was recorded for the book (any read-through) or, given, one read-through. */
  hasEntries(ownerId: string, by: { bookId?: string; readingId?: string }): Promise<boolean>;
}
export interface BookFields {
  title?: string;
  authors?: string[];
  /** An ISBN-10 or ISBN-13, told apart by length. */
  isbn?: string;
  isbn10?: string;
  isbn13?: string;
  totalPages?: number | null;
  coverUrl?: string | null;
}

export interface CreateOptions {
  /** Ask the metadata service to fill the fields not given. Never blocks creation. */
  lookup?: boolean;
  /** The shelf and dates of the first read-through (imports pass their own). */
  reading?: OpenReading;
  /** metadata_source to record when no lookup supplied it, e.g. "goodreads". */
  metadataSource?: string | null;
  /**
   * Metadata the caller looked up already (`lookup`), used as a lookup's answer: it fills the fields not
   * given. Lets a caller look up before opening its unit of work.
   */
  metadata?: BookMetadata;
}

export type LookupOutcome = "found" | "not-found" | "failed" | "skipped";

/**
 * Normalises the ISBN fields: checksums validated, hyphens and spaces removed, ISBN-10 converted to
 * ISBN-13. Undefined when none was given; throws a field error naming the bad field.
 */
export function normaliseIsbns(f: Pick<BookFields, "isbn" | "isbn10" | "isbn13">): Isbns | undefined {
  const parsed: Isbns[] = [];
  for (const [field, value, len] of [
    ["isbn", f.isbn, 0],
    ["isbn10", f.isbn10, 10],
    ["isbn13", f.isbn13, 13],
  ] as const) {
    if (value === undefined || value === "") continue;
    const p = isbnOfLength(value, len);
    if (!p)
      throw invalidField(
        `/body/${field}`,
        "isbn",
        `"${value}" is not a valid ISBN${len || "-10 or ISBN-13"}`,
      );
    parsed.push(p);
  }
  const first = parsed[0];
  if (!first) return undefined;
  if (parsed.some((p) => p.isbn13 !== first.isbn13))
    throw invalidField("/body/isbn13", "isbn", "The ISBNs given are of different books");
  return first;
}

/** Books: create (with optional metadata lookup), read, list, change, delete. */
export class BooksService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      books: BooksRepo;
      readings: ReadingsService;
      metadata: MetadataLookup;
      clock: Clock;
      events: EventLog;
      access: AccessControl;
      log?: { warn(obj: object, msg: string): void };
    },
  ) {}

  /** What the progress module knows of the books' pages; undefined until it registers. */
  progressFacts: ProgressFacts | undefined;

  /** Lets the progress module guard total pages against the pages it has recorded. */
  useProgressFacts(facts: ProgressFacts): void {
    this.progressFacts = facts;
  }

  /** Whether metadata lookups are on (OPENLIBRARY_URL set). */
  get lookupsEnabled(): boolean {
    return this.d.metadata !== noMetadata;
  }

  /** Asks the metadata service; never throws (a failure is logged and answered as `failed`). */
  async lookup(query: { isbn13?: string; title?: string }): Promise<{
    outcome: LookupOutcome;
    found?: BookMetadata;
  }> {
    try {
      const found = await this.d.metadata.find(query);
      return found ? { outcome: "found", found } : { outcome: "not-found" };
    } catch (err) {
      this.d.log?.warn({ err: String(err) }, "metadata lookup failed; creating the book without it");
      return { outcome: "failed" };
    }
  }

  /** Creates a book and its first read-through (wishlist unless `opts.reading` says otherwise). */
  async create(actor: Actor, input: BookFields, opts: CreateOptions = {}) {
    requireScope(actor, "write");
    const isbns = normaliseIsbns(input);
    let found: BookMetadata | undefined = opts.metadata;
    let lookup: LookupOutcome = found ? "found" : "skipped";
    if (!found && opts.lookup && (isbns || input.title)) {
      ({ outcome: lookup, found } = await this.lookup({ isbn13: isbns?.isbn13, title: input.title }));
    }
    const title = input.title?.trim() || found?.title;
    if (!title)
      throw invalidField("/body/title", "required", "A title is required (none was found by lookup)");
    const fromLookup = found ? (found.isbn13 ?? found.isbn10) : undefined;
    const finalIsbns = isbns ?? (fromLookup ? parseIsbn(fromLookup) : undefined);
    const now = this.d.clock.now();
    const at = now.toISOString();
    const status: ReadingStatus = opts.reading?.status ?? "wishlist";
    const row: BookRow = {
      id: newId(now.getTime()),
      owner_id: actor.userId,
      title,
      authors: JSON.stringify(cleanAuthors(input.authors ?? found?.authors ?? [])),
      isbn10: finalIsbns?.isbn10 ?? null,
      isbn13: finalIsbns?.isbn13 ?? null,
      total_pages: input.totalPages ?? found?.totalPages ?? null,
      cover_url: input.coverUrl ?? found?.coverUrl ?? null,
      metadata_source: found?.source ?? opts.metadataSource ?? null,
      status,
      current_reading_id: null,
      created_at: at,
      updated_at: at,
    };
    return this.d.uow.transaction(async () => {
      await this.d.books.insert(row);
      await this.d.events.record(
        bookCreated,
        { bookId: row.id, title: row.title },
        { aggregateId: row.id, ownerId: row.owner_id },
      );
      const reading = await this.d.readings.open(actor, row, opts.reading ?? { status });
      return { book: { ...row, current_reading_id: reading.id }, reading, lookup };
    });
  }

  /**
   * Creates books and their first read-throughs in bulk (imports): the same rows and events as `create`
   * for each, written in a few multi-row INSERTs; no metadata lookup. An item's `id` (from `newId`) lets the
   * caller refer to the book before it is written. Returns the rows in the order given.
   */
  async createMany(
    actor: Actor,
    items: ReadonlyArray<{ input: BookFields; reading: OpenReading; id?: string }>,
    opts: { metadataSource?: string | null } = {},
  ): Promise<BookRow[]> {
    requireScope(actor, "write");
    if (items.length === 0) return [];
    const now = this.d.clock.now();
    const at = now.toISOString();
    const rows = items.map(({ input, reading, id }) => {
      const isbns = normaliseIsbns(input);
      const title = input.title?.trim();
      if (!title) throw invalidField("/body/title", "required", "A title is required");
      const book: BookRow = {
        id: id ?? newId(now.getTime()),
        owner_id: actor.userId,
        title,
        authors: JSON.stringify(cleanAuthors(input.authors ?? [])),
        isbn10: isbns?.isbn10 ?? null,
        isbn13: isbns?.isbn13 ?? null,
        total_pages: input.totalPages ?? null,
        cover_url: input.coverUrl ?? null,
        metadata_source: opts.metadataSource ?? null,
        status: reading.status,
        current_reading_id: null,
        created_at: at,
        updated_at: at,
      };
      return { book, input: reading };
    });
    return this.d.uow.transaction(async () => {
      const opened = await this.d.readings.openMany(actor, rows, async (books) => {
        await this.d.books.insertMany(books);
        await this.d.events.recordMany(
          books.map((b) => ({
            def: bookCreated,
            payload: { bookId: b.id, title: b.title },
            meta: { aggregateId: b.id, ownerId: b.owner_id },
          })),
        );
      });
      return opened.map((o) => o.book);
    });
  }

  /** The actor's book (or one shared with them to read); 404 when they may not read it or it does not exist. */
  async get(actor: Actor, id: string, action = "book.read"): Promise<BookRow> {
    const own = await this.d.books.byId(actor.userId, id);
    if (own) {
      await this.d.access.require(actor, action, id, [{ id, ownerId: own.owner_id }]);
      return own;
    }
    // Not the actor's: a book shared with them, read by its owner once the policy allows the action.
    const ownerId = await this.d.books.ownerOf(id);
    if (!ownerId) throw notFound("Book");
    await this.d.access.require(actor, action, id, [{ id, ownerId }]);
    const shared = await this.d.books.byId(ownerId, id);
    if (!shared) throw notFound("Book");
    return shared;
  }

  /** The actor's books, newest first (limit + 1 rows, for paging). */
  list(actor: Actor, opts: { limit: number; cursor?: string; status?: ReadingStatus; q?: string }) {
    return this.d.books.list(actor.userId, { ...opts, limit: opts.limit + 1 });
  }

  /** Changes the given fields; null clears total pages or the cover. */
  async update(actor: Actor, id: string, input: BookFields): Promise<BookRow> {
    const book = await this.get(actor, id, "book.update");
    const patch: BookPatch = {};
    if (input.title !== undefined) patch.title = input.title.trim();
    if (input.authors !== undefined) patch.authors = JSON.stringify(cleanAuthors(input.authors));
    const isbns = normaliseIsbns(input);
    if (isbns) Object.assign(patch, { isbn10: isbns.isbn10, isbn13: isbns.isbn13 });
    if (input.totalPages !== undefined) patch.total_pages = input.totalPages;
    if (typeof input.totalPages === "number" && book.current_reading_id)
      await this.progressFacts?.checkTotalPages(book.current_reading_id, input.totalPages);
    if (input.coverUrl !== undefined) patch.cover_url = input.coverUrl;
    const updated_at = this.d.clock.now().toISOString();
    await this.d.uow.transaction(async () => {
      await this.d.books.update(book.owner_id, id, { ...patch, updated_at });
      await this.d.events.record(bookUpdated, { bookId: id }, { aggregateId: id, ownerId: book.owner_id });
    });
    return { ...book, ...patch, updated_at };
  }

  /** Deletes the book with all its read-throughs, shelf moves and progress. */
  async delete(actor: Actor, id: string): Promise<void> {
    const book = await this.get(actor, id, "book.delete");
    await this.d.uow.transaction(async () => {
      if (!(await this.d.books.delete(book.owner_id, id))) throw notFound("Book");
      await this.d.events.record(bookDeleted, { bookId: id }, { aggregateId: id, ownerId: book.owner_id });
    });
  }
}

function cleanAuthors(authors: string[]): string[] {
  return authors.map((a) => a.trim()).filter((a) => a !== "");
}
