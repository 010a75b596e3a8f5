import type { ReadingStatus } from "../books/books.tables.js";
import type { ImportRecord } from "./import-record.js";

/** A read-through an import file describes, in Readlog's columns. */
export interface PlannedReading {
  status: ReadingStatus;
  started_on: string | null;
  finished_on: string | null;
  rating: number | null;
  review: string | null;
  /** The day of its shelf move: the finish day, else the start day, else the day the book was added. */
  date: string | null;
}

/**
 * The read-throughs of one record, oldest first; the last one is the book's current read-through.
 *
 * - Several read-throughs only when the file gives several dates (StoryGraph `Dates Read`); a Goodreads
 *   `Read Count` of 3 with one `Date Read` gives one read-through: undated earlier reads are not invented
 *   (they would count as finished books of no year).
 * - Earlier ranges are finished read-throughs; the last one carries the record's status.
 * - Rating and review belong to the latest read-through (both services keep one per book).
 * - No progress entries are written: the file says when a book was finished, not on which days its pages
 *   were read, and the day log, streaks and pages-per-day are about exactly that. The finished state lives
 *   on the read-through (status, finished_on), which is what "books finished" and goals count.
 */
export function plannedReadings(r: ImportRecord): PlannedReading[] {
  const dates = r.readDates.length > 0 ? r.readDates : [{}];
  const out: PlannedReading[] = dates.map((d, i) => {
    const last = i === dates.length - 1;
    const status: ReadingStatus = last ? r.status : "finished";
    const start = d.start ?? null;
    // For a book being read, wished for or paused, a lone date is when it started (never a finish).
    const end = status === "finished" || status === "abandoned" ? (d.end ?? null) : null;
    const started_on = status === "wishlist" ? null : (start ?? (end === null ? (d.end ?? null) : null));
    return {
      status,
      started_on,
      finished_on: status === "finished" ? end : null,
      rating: null,
      review: null,
      date: end ?? started_on ?? r.dateAdded ?? null,
    };
  });
  const latest = out[out.length - 1]!;
  latest.rating = r.rating ?? null;
  latest.review = r.review ?? null;
  return out;
}

/** Title for matching: accents, case, punctuation and a trailing series marker "(Saga, #3)" ignored. */
export function normaliseTitle(title: string): string {
  return fold(title.replace(/\s*\([^()]*#\s*[\d.]+\)\s*$/, ""));
}

/** Lower-case letters and digits only, accents removed: "R.R. Martin" and "R. R. Martin" agree. */
export function fold(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** The title+first-author key of a book, or undefined when the title folds to nothing. */
export function titleKey(title: string, authors: readonly string[]): string | undefined {
  const t = normaliseTitle(title);
  return t === "" ? undefined : `${t}\u0000${fold(authors[0] ?? "")}`;
}
