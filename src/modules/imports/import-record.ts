/** The reading states Readlog knows (DESIGN §4 `readings.status`). */
export type ReadingStatus = "wishlist" | "reading" | "paused" | "finished" | "abandoned";

/** Formats `readImportRows` can read. */
export const IMPORT_FORMATS = ["goodreads", "storygraph"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
/** Longest outside id (Goodreads `Book Id`, StoryGraph UID) kept from a file. */
export const EXTERNAL_ID_MAX = 200;
export { REVIEW_MAX } from "../books/books.schemas.js";

/** One read-through's local days (`YYYY-MM-DD`); either end may be unknown. */
export interface ReadDates {
  start?: string;
  end?: string;
}

/** One book from an import file, in Readlog's terms and independent of the database. */
export interface ImportRecord {
  /** Which export it came from. */
  source: ImportFormat;
  /** 1-based line of the file where the row starts. */
  line: number;
  /** The service's own id: Goodreads `Book Id`, StoryGraph `ISBN/UID` when it is not an ISBN. */
  externalId?: string;
  title: string;
  /** Main author first. */
  authors: string[];
  isbn10?: string;
  isbn13?: string;
  totalPages?: number;
  status: ReadingStatus;
  /** 0.25–5; fractional only from StoryGraph. Unrated is undefined, never 0. */
  rating?: number;
  /** Plain text with `\n` line breaks (Goodreads HTML converted). */
  review?: string;
  /** `YYYY-MM-DD`. */
  dateAdded?: string;
  /** Read-throughs, oldest first as the file gives them. */
  readDates: ReadDates[];
  readCount?: number;
  /** Goodreads shelves (custom ones, not read/to-read/currently-reading) or StoryGraph tags. */
  shelves: string[];
}

/** Why one row (or the whole file, at line 1) could not be used: `field` is the column name. */
export interface ImportProblem {
  line: number;
  field?: string;
  message: string;
}

/** What the reader yields per row: a record, or a problem (several for one row when several fields fail). */
export type ImportRow = { record: ImportRecord } | { problem: ImportProblem };
