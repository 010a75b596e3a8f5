import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { Instant } from "../users/users.tables.js";

/** Where a text message came from; also the `source` of what it records. */
export const CHANNELS = ["web", "api", "cli", "whatsapp", "telegram"] as const;
export const TEXT_CHANNELS = enumeration(CHANNELS);
export type TextChannel = EnumValue<typeof TEXT_CHANNELS>;

/** What a text conversation (user + channel key) waits for: numbered choices and the last book asked about. */
export interface ConversationsTable {
  owner_id: string;
  /** "api", "cli", "web", "whatsapp:<number>", "telegram:<chat>". */
  conversation_key: string;
  /**
   * JSON `{ owner, state }` while a definition waits for an answer (numbered choices, a review card, a yes),
   * else null. Rows written before the command registry hold `{ command, choices }`, `{ review }` or
   * `{ confirm }` and are read as such.
   */
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

export interface TextTables {
  conversations: ConversationsTable;
  text_undo: TextUndoTable;
}
