import type { Clock } from "../../platform/clock.js";
import { type Db, inTransaction } from "../../platform/db/database.js";
import type { ReadingStatus } from "../../platform/db/schema.js";
import { invalidField, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { checkTotalPages } from "../progress/progress.service.js";
import type { OpenReading, Reader, ReadingsService } from "../readings/readings.service.js";
import { type BookPatch, type BookRow, BooksRepo } from "./books.repo.js";
import { type Isbns, isbnOfLength, parseIsbn } from "./isbn.js";
import { type BookMetadata, type MetadataLookup, noMetadata } from "./metadata.js";

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
   * given. Lets a caller look up before opening its transaction.
   */
  metadata?: BookMetadata;
  /** A transaction of the caller to create the book in (its unit of work); default: a new one. */
  db?: Db;
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
    private readonly db: Db,
    private readonly readings: ReadingsService,
    private readonly metadata: MetadataLookup,
    private readonly clock: Clock,
    private readonly log: { warn(obj: object, msg: string): void } = { warn() {} },
  ) {}

  /** Whether metadata lookups are on (OPENLIBRARY_URL set). */
  get lookupsEnabled(): boolean {
    return this.metadata !== noMetadata;
  }

  /** Asks the metadata service; never throws (a failure is logged and answered as `failed`). */
  async lookup(query: { isbn13?: string; title?: string }): Promise<{
    outcome: LookupOutcome;
    found?: BookMetadata;
  }> {
    try {
      const found = await this.metadata.find(query);
      return found ? { outcome: "found", found } : { outcome: "not-found" };
    } catch (err) {
      this.log.warn({ err: String(err) }, "metadata lookup failed; creating the book without it");
      return { outcome: "failed" };
    }
  }

  /** Creates a book and its first read-through (wishlist unless `opts.reading` says otherwise). */
  async create(reader: Reader, input: BookFields, opts: CreateOptions = {}) {
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
    const now = this.clock.now();
    const at = now.toISOString();
    const status: ReadingStatus = opts.reading?.status ?? "wishlist";
    const row: BookRow = {
      id: newId(now.getTime()),
      owner_id: reader.id,
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
    return inTransaction(opts.db ?? this.db, async (tx) => {
      await new BooksRepo(tx).insert(row);
      const reading = await this.readings.open(tx, reader, row, opts.reading ?? { status });
      return { book: { ...row, current_reading_id: reading.id }, reading, lookup };
    });
  }

  /** The reader's book; 404 when it is not theirs or does not exist. */
  async get(reader: Reader, id: string): Promise<BookRow> {
    const book = await new BooksRepo(this.db).byId(reader.id, id);
    if (!book) throw notFound("Book");
    return book;
  }

  /** The reader's books, newest first (limit + 1 rows, for paging). */
  list(reader: Reader, opts: { limit: number; cursor?: string; status?: ReadingStatus; q?: string }) {
    return new BooksRepo(this.db).list(reader.id, { ...opts, limit: opts.limit + 1 });
  }

  /** Changes the given fields; null clears total pages or the cover. */
  async update(reader: Reader, id: string, input: BookFields): Promise<BookRow> {
    const book = await this.get(reader, id);
    const patch: BookPatch = {};
    if (input.title !== undefined) patch.title = input.title.trim();
    if (input.authors !== undefined) patch.authors = JSON.stringify(cleanAuthors(input.authors));
    const isbns = normaliseIsbns(input);
    if (isbns) Object.assign(patch, { isbn10: isbns.isbn10, isbn13: isbns.isbn13 });
    if (input.totalPages !== undefined) patch.total_pages = input.totalPages;
    if (typeof input.totalPages === "number" && book.current_reading_id)
      await checkTotalPages(this.db, book.current_reading_id, input.totalPages);
    if (input.coverUrl !== undefined) patch.cover_url = input.coverUrl;
    const updated_at = this.clock.now().toISOString();
    await new BooksRepo(this.db).update(reader.id, id, { ...patch, updated_at });
    return { ...book, ...patch, updated_at };
  }

  /** Deletes the book with all its read-throughs, shelf moves and progress. */
  async delete(reader: Reader, id: string): Promise<void> {
    if (!(await new BooksRepo(this.db).delete(reader.id, id))) throw notFound("Book");
  }
}

function cleanAuthors(authors: string[]): string[] {
  return authors.map((a) => a.trim()).filter((a) => a !== "");
}
