import type { EntrySource, ProgressTables } from "../progress/progress.tables.js";
import type { Instant } from "../users/users.tables.js";

/** What a text conversation (user + channel key) waits for: numbered choices and the last book asked about. */
export interface ConversationsTable {
  owner_id: string;
  /** "api", "cli", "web", "whatsapp:<number>", "telegram:<chat>". */
  conversation_key: string;
  /** JSON `{ command, choices: bookId[] }` while a numbered choice is open, else null. */
  pending: string | null;
  last_book_id: string | null;
  updated_at: Instant;
}

/** One change made by a text command, newest last; `undo` reverts the newest one not yet undone. */
export interface TextUndoTable {
  id: string;
  owner_id: string;
  conversation_key: string;
  /** The undo handler's kind: "progress" | "shelf" | "book" | "links" | … */
  kind: string;
  /** JSON: what to put back. */
  payload: string;
  created_at: Instant;
  undone_at: Instant | null;
}

/** A link saved for later reading (fetching and extraction come later). */
export interface LinksTable {
  id: string;
  owner_id: string;
  url: string;
  status: "saved";
  comment: string | null;
  source: EntrySource;
  created_at: Instant;
}

export interface TextTables extends ProgressTables {
  conversations: ConversationsTable;
  text_undo: TextUndoTable;
  links: LinksTable;
}
