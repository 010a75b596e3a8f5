import type { BooksTables } from "../books/books.tables.js";
import type { Instant } from "../users/users.tables.js";

/** The outside id of an imported book (Goodreads `Book Id`, StoryGraph UID), to find it again on re-import. */
export interface ImportKeysTable {
  owner_id: string;
  /** "goodreads" or "storygraph". */
  source: string;
  external_id: string;
  book_id: string;
  created_at: Instant;
}

export interface ImportsTables extends BooksTables {
  import_keys: ImportKeysTable;
}
