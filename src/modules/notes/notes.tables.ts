import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { BooksTables } from "../books/books.tables.js";
import type { Instant } from "../users/users.tables.js";

/** Where a note or highlight came from. */
export const NOTE_SOURCES = enumeration(["api", "web", "text", "kindle", "readwise", "restore"]);
export type NoteSource = EnumValue<typeof NOTE_SOURCES>;

export interface NotesTable {
  id: string;
  owner_id: string;
  book_id: string | null;
  /** Another kind of object the note is on (e.g. "article", kept by the links module), with its id. */
  target_type: string | null;
  target_id: string | null;
  /** JSON HighlightLocation in the book, or null. */
  location: string | null;
  title: string | null;
  /** The title folded (see `titleKey`), for wikilinks. */
  title_key: string | null;
  /** Markdown. */
  body: string;
  /** JSON array of tags. */
  tags: string;
  language: string | null;
  source: NoteSource;
  /** The number of the latest revision (1 for a new note). */
  version: number;
  created_at: Instant;
  updated_at: Instant;
}

export interface NoteRevisionsTable {
  id: string;
  owner_id: string;
  note_id: string;
  version: number;
  title: string | null;
  body: string;
  tags: string;
  saved_by: string | null;
  created_at: Instant;
}

export interface HighlightsTable {
  id: string;
  owner_id: string;
  book_id: string | null;
  target_type: string | null;
  target_id: string | null;
  /** The quoted text. */
  text: string;
  note: string | null;
  color: string | null;
  tags: string;
  /** JSON HighlightLocation. */
  location: string;
  language: string | null;
  source: NoteSource;
  /** JSON array of earlier versions: { text, location, at }. */
  history: string;
  highlighted_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface NoteLinksTable {
  note_id: string;
  ord: number;
  owner_id: string;
  target: string;
  target_key: string;
  alias: string | null;
}

export interface NoteImportKeysTable {
  owner_id: string;
  source: string;
  key: string;
  kind: string;
  object_id: string | null;
  created_at: Instant;
}

/** The notes module's tables, with the books its reads join. */
export interface NotesTables extends BooksTables {
  notes: NotesTable;
  note_revisions: NoteRevisionsTable;
  highlights: HighlightsTable;
  note_links: NoteLinksTable;
  note_import_keys: NoteImportKeysTable;
}
