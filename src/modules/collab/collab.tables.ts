import type { Instant } from "../users/users.tables.js";

/** A note's Yjs document: its binary state, and the note version it last wrote. */
export interface NoteDocsTable {
  note_id: string;
  state: Uint8Array;
  note_version: number;
  updated_at: Instant;
}

/** A link that shares a note with whoever holds it (signed in), as editor or viewer, until it expires. */
export interface NoteLinksTable {
  id: string;
  note_id: string;
  token_hash: string;
  relation: "editor" | "viewer";
  created_by: string | null;
  expires_at: Instant | null;
  revoked_at: Instant | null;
  created_at: Instant;
}

export interface CollabTables {
  note_docs: NoteDocsTable;
  note_share_links: NoteLinksTable;
}
