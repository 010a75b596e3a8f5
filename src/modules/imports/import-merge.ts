import type { BookRow } from "../books/books.repo.js";
import type { ReadingStatus } from "../books/books.tables.js";
import type { ReadingRow, StatusChangeRow } from "../books/readings.repo.js";
import type { ImportRepo } from "./import.repo.js";
import { type PlannedReading, plannedReadings, titleKey } from "./import-plan.js";
import type { ImportRecord } from "./import-record.js";

/** What importing one row did (or, in a dry run, would do). */
export interface RowOutcome {
  line: number;
  title: string;
  action: "created" | "updated" | "unchanged";
  /** The book it created or matched; null for a book a dry run would create. */
  bookId: string | null;
  /** For updates: what changed, in words ("isbn13", "rating", "read-through finished 2024-05-01"…). */
  changes: string[];
}

interface IReading {
  row: ReadingRow;
  isNew: boolean;
  dirty: Set<keyof ReadingRow>;
}

interface IBook {
  row: BookRow;
  authors: string[];
  isNew: boolean;
  dirty: Set<keyof BookRow>;
  readings: IReading[];
  /** The import sources (goodreads, storygraph) this book has an outside id from. */
  sources: Set<string>;
  /** Whether a row of the file being imported was matched to this book (or created it). */
  inThisFile: boolean;
}

/** Shelf moves an import may make on the current read-through: forward only, never back. */
const ADVANCE: Partial<Record<ReadingStatus, readonly ReadingStatus[]>> = {
  wishlist: ["reading", "paused", "finished", "abandoned"],
  reading: ["paused", "finished", "abandoned"],
  paused: ["reading", "finished", "abandoned"],
};

const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;

/**
 * The owner's library in memory, matched and merged row by row, then written in bulk. Matching: the outside
 * id (Goodreads `Book Id`, StoryGraph UID), else ISBN-13 — unless that book carries another id from the same
 * source —, else title (series marker, case, accents and punctuation ignored) + first author when the ISBNs
 * do not contradict it, and only for a book with no id from this source that no earlier row of the file
 * matched: rows of one file are different books (two editions with their own Goodreads ids stay two
 * books, whatever their titles). A match only ever gains: empty
 * book fields are filled, missing dated read-throughs added, the current read-through moved forward
 * (wishlist → finished, reading → finished…); what Readlog already knows is never overwritten.
 */
export class LibraryMerge {
  private readonly books: IBook[] = [];
  private readonly byIsbn = new Map<string, IBook>();
  private readonly byKey = new Map<string, IBook>();
  private readonly byTitle = new Map<string, IBook[]>();
  private readonly newKeys: { source: string; external_id: string; book_id: string }[] = [];
  private readonly changes: StatusChangeRow[] = [];

  constructor(
    private readonly owner: { id: string; timezone: string },
    private readonly nextId: () => string,
    private readonly at: string,
    private readonly today: string,
  ) {}

  /** Loads the owner's library (inside the import's transaction when writing). */
  async load(repo: ImportRepo): Promise<void> {
    const lib = await repo.library(this.owner.id);
    const byId = new Map<string, IBook>();
    for (const b of lib.books) {
      const book: IBook = {
        row: {
          ...b,
          owner_id: this.owner.id,
          cover_url: null,
          metadata_source: null,
          created_at: "",
          updated_at: "",
        },
        authors: JSON.parse(b.authors) as string[],
        isNew: false,
        dirty: new Set(),
        readings: [],
        sources: new Set(),
        inThisFile: false,
      };
      byId.set(b.id, book);
      this.index(book);
    }
    for (const r of lib.readings)
      byId.get(r.book_id)?.readings.push({
        row: { ...r, owner_id: this.owner.id, created_at: "", updated_at: "" },
        isNew: false,
        dirty: new Set(),
      });
    for (const k of lib.keys) {
      const book = byId.get(k.book_id);
      if (!book) continue;
      this.byKey.set(keyOf(k.source, k.external_id), book);
      book.sources.add(k.source);
    }
  }

  /** Matches one record against the library (and the rows before it) and merges it in memory. */
  merge(rec: ImportRecord): RowOutcome {
    const book = this.find(rec);
    if (!book) {
      const created = this.create(rec);
      created.inThisFile = true;
      return { line: rec.line, title: rec.title, action: "created", bookId: created.row.id, changes: [] };
    }
    book.inThisFile = true;
    const changes = this.update(book, rec);
    return {
      line: rec.line,
      title: rec.title,
      action: changes.length > 0 ? "updated" : "unchanged",
      bookId: book.row.id,
      changes,
    };
  }

  /** Writes everything merged so far. */
  async write(repo: ImportRepo): Promise<void> {
    const fresh = this.books.filter((b) => b.isNew);
    await repo.insertBooks(fresh.map((b) => b.row));
    const readings = this.books.flatMap((b) => b.readings);
    await repo.insertReadings(readings.filter((r) => r.isNew).map((r) => r.row));
    await repo.insertChanges(this.changes);
    await repo.insertKeys(this.newKeys.map((k) => ({ ...k, owner_id: this.owner.id, created_at: this.at })));
    for (const b of this.books)
      if (!b.isNew && b.dirty.size > 0) await repo.updateBook(this.owner.id, b.row.id, pick(b.row, b.dirty));
    for (const r of readings)
      if (!r.isNew && r.dirty.size > 0)
        await repo.updateReading(this.owner.id, r.row.id, pick(r.row, r.dirty));
  }

  private index(book: IBook): void {
    this.books.push(book);
    if (book.row.isbn13 && !this.byIsbn.has(book.row.isbn13)) this.byIsbn.set(book.row.isbn13, book);
    const t = titleKey(book.row.title, book.authors);
    if (t) this.byTitle.set(t, [...(this.byTitle.get(t) ?? []), book]);
  }

  private find(rec: ImportRecord): IBook | undefined {
    if (rec.externalId) {
      const b = this.byKey.get(keyOf(rec.source, rec.externalId));
      if (b) return b;
    }
    // A book with another id from this source is another record of that source, whatever else agrees.
    const free = (b: IBook) => !rec.externalId || !b.sources.has(rec.source);
    if (rec.isbn13) {
      const b = this.byIsbn.get(rec.isbn13);
      if (b && free(b)) return b;
    }
    const t = titleKey(rec.title, rec.authors);
    if (!t) return undefined;
    return this.byTitle
      .get(t)
      ?.find((b) => (!rec.isbn13 || !b.row.isbn13) && !b.sources.has(rec.source) && !b.inThisFile);
  }

  private create(rec: ImportRecord): IBook {
    const book: IBook = {
      row: {
        id: this.nextId(),
        owner_id: this.owner.id,
        title: rec.title,
        authors: JSON.stringify(rec.authors),
        isbn10: rec.isbn10 ?? null,
        isbn13: rec.isbn13 ?? null,
        total_pages: rec.totalPages ?? null,
        cover_url: null,
        metadata_source: rec.source,
        status: "wishlist",
        current_reading_id: null,
        created_at: this.at,
        updated_at: this.at,
      },
      authors: rec.authors,
      isNew: true,
      dirty: new Set(),
      readings: [],
      sources: new Set(),
      inThisFile: false,
    };
    for (const p of plannedReadings(rec)) this.addReading(book, p, true);
    this.index(book);
    this.addKey(book, rec);
    return book;
  }

  private update(book: IBook, rec: ImportRecord): string[] {
    const changes: string[] = [];
    const fill = <K extends "isbn10" | "isbn13" | "total_pages">(k: K, v: BookRow[K] | undefined) => {
      if (book.row[k] !== null || v === undefined || v === null) return;
      book.row[k] = v;
      this.touchBook(book, k);
      changes.push(k === "total_pages" ? "totalPages" : k);
    };
    fill("isbn13", rec.isbn13);
    fill("isbn10", rec.isbn10);
    fill("total_pages", rec.totalPages);
    if (rec.isbn13 && !this.byIsbn.has(rec.isbn13)) this.byIsbn.set(rec.isbn13, book);
    if (this.addKey(book, rec)) changes.push(`${rec.source} id ${rec.externalId}`);

    const planned = plannedReadings(rec);
    planned.forEach((p, i) => {
      const same = p.finished_on ? book.readings.find((r) => r.row.finished_on === p.finished_on) : undefined;
      if (same) {
        changes.push(...this.fillReading(same, p));
        return;
      }
      const current = book.readings.find((r) => r.row.id === book.row.current_reading_id);
      if (i < planned.length - 1 || !current) {
        // An earlier dated read-through Readlog lacks; undated ones cannot be told apart, so are left out.
        if (p.finished_on) {
          this.addReading(book, p, false);
          changes.push(`read-through finished ${p.finished_on}`);
        }
        return;
      }
      if (current.row.status === p.status && !(p.finished_on && current.row.finished_on)) {
        changes.push(...this.fillReading(current, p));
      } else if (ADVANCE[current.row.status]?.includes(p.status)) {
        changes.push(`${current.row.status} → ${p.status}`, ...this.advance(book, current, p));
      } else if (p.finished_on) {
        const later = (current.row.finished_on ?? "") <= p.finished_on;
        this.addReading(book, p, later);
        changes.push(`read-through finished ${p.finished_on}`);
      }
      // Otherwise Readlog's own, later state wins (e.g. the file says to-read, Readlog says finished).
    });
    return changes;
  }

  private addKey(book: IBook, rec: ImportRecord): boolean {
    if (!rec.externalId) return false;
    const key = keyOf(rec.source, rec.externalId);
    if (this.byKey.has(key)) return false;
    this.byKey.set(key, book);
    book.sources.add(rec.source);
    this.newKeys.push({ source: rec.source, external_id: rec.externalId, book_id: book.row.id });
    return true;
  }

  private addReading(book: IBook, p: PlannedReading, makeCurrent: boolean): void {
    const row: ReadingRow = {
      id: this.nextId(),
      owner_id: this.owner.id,
      book_id: book.row.id,
      status: p.status,
      started_on: p.started_on,
      finished_on: p.finished_on,
      rating: p.rating,
      review: p.review,
      created_at: this.at,
      updated_at: this.at,
    };
    book.readings.push({ row, isNew: true, dirty: new Set() });
    this.change(row.id, null, p.status, p.date);
    if (makeCurrent) {
      book.row.current_reading_id = row.id;
      book.row.status = p.status;
      this.touchBook(book, "current_reading_id", "status");
    }
  }

  private advance(book: IBook, r: IReading, p: PlannedReading): string[] {
    const from = r.row.status;
    r.row.status = p.status;
    this.touchReading(r, "status");
    if (p.status !== "finished" && r.row.finished_on !== null) {
      r.row.finished_on = null;
      this.touchReading(r, "finished_on");
    }
    this.change(r.row.id, from, p.status, p.date);
    book.row.status = p.status;
    this.touchBook(book, "status");
    return this.fillReading(r, p);
  }

  /** Fills the read-through's empty fields from the file; returns what it filled. */
  private fillReading(r: IReading, p: PlannedReading): string[] {
    const filled: string[] = [];
    for (const [k, name] of [
      ["started_on", "startedOn"],
      ["finished_on", "finishedOn"],
      ["rating", "rating"],
      ["review", "review"],
    ] as const) {
      if (r.row[k] !== null || p[k] === null) continue;
      if (k === "finished_on" && r.row.status !== "finished") continue;
      (r.row as Record<typeof k, unknown>)[k] = p[k];
      this.touchReading(r, k);
      filled.push(name);
    }
    return filled;
  }

  private change(
    readingId: string,
    from: ReadingStatus | null,
    to: ReadingStatus,
    date: string | null,
  ): void {
    this.changes.push({
      id: this.nextId(),
      owner_id: this.owner.id,
      reading_id: readingId,
      from_status: from,
      to_status: to,
      local_date: date ?? this.today,
      changed_at: this.at,
    });
  }

  private touchBook(book: IBook, ...keys: (keyof BookRow)[]): void {
    if (book.isNew) return;
    for (const k of keys) book.dirty.add(k);
    book.row.updated_at = this.at;
    book.dirty.add("updated_at");
  }

  private touchReading(r: IReading, k: keyof ReadingRow): void {
    if (r.isNew) return;
    r.dirty.add(k);
    r.row.updated_at = this.at;
    r.dirty.add("updated_at");
  }
}

function pick<T extends object>(row: T, keys: Set<keyof T>): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) out[k] = row[k];
  return out;
}
