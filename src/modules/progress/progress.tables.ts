import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { BooksTables, LocalDate } from "../books/books.tables.js";
import type { Instant } from "../users/users.tables.js";

/** Where a progress entry came from. */
export const ENTRY_SOURCES = enumeration(["web", "api", "cli", "whatsapp", "telegram", "import"]);
export type EntrySource = EnumValue<typeof ENTRY_SOURCES>;

/** Append-only: a correction is a new row that `supersedes` the one it corrects. */
export interface ProgressEntriesTable {
  id: string;
  owner_id: string;
  reading_id: string;
  book_id: string;
  page: number | null;
  percent: number | null;
  local_date: LocalDate;
  recorded_at: Instant;
  source: EntrySource;
  supersedes: string | null;
  /** Pages this entry adds to its local day (negative for a correction downwards). */
  pages_delta: number;
  note: string | null;
}

/** Pages per owner, local day and book: a sum of progress_entries.pages_delta kept by the same writes. */
export interface DailyPagesTable {
  owner_id: string;
  local_date: LocalDate;
  book_id: string;
  pages: number;
  entries: number;
}

/** The progress module's tables, with the books tables its queries join. */
export interface ProgressTables extends BooksTables {
  progress_entries: ProgressEntriesTable;
  daily_pages: DailyPagesTable;
}
