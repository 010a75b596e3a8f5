import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { Instant } from "../users/users.tables.js";

/** A local calendar day, 'YYYY-MM-DD' on both engines (date on PostgreSQL, TEXT on SQLite). */
export type LocalDate = string;

/** The shelves: where a book's current read-through stands. */
export const READING_STATUSES = enumeration(["wishlist", "reading", "paused", "finished", "abandoned"]);
export type ReadingStatus = EnumValue<typeof READING_STATUSES>;

export interface BooksTable {
  id: string;
  owner_id: string;
  title: string;
  /** JSON array of names. */
  authors: string;
  isbn10: string | null;
  isbn13: string | null;
  total_pages: number | null;
  cover_url: string | null;
  /** Where the metadata came from: "openlibrary", "import", or null when typed by hand. */
  metadata_source: string | null;
  /** The status of the current read-through, kept here so the shelf filter is one index range. */
  status: ReadingStatus;
  current_reading_id: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ReadingsTable {
  id: string;
  owner_id: string;
  book_id: string;
  status: ReadingStatus;
  started_on: LocalDate | null;
  finished_on: LocalDate | null;
  rating: number | null;
  review: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface StatusChangesTable {
  id: string;
  owner_id: string;
  reading_id: string;
  from_status: ReadingStatus | null;
  to_status: ReadingStatus;
  local_date: LocalDate;
  changed_at: Instant;
}

export interface BooksTables {
  books: BooksTable;
  readings: ReadingsTable;
  status_changes: StatusChangesTable;
}
