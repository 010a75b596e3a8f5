import type { Kysely, Selectable } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { ConversationsTable, TextTables, TextUndoTable } from "./text.tables.js";

type Db = Kysely<TextTables>;

export type ConversationRow = Selectable<ConversationsTable>;
export type UndoRow = Selectable<TextUndoTable>;

// Every message reads its conversation and logs its undo entry: compiled once.
const conversationOf = precompiledOn((db: Db, p: { ownerId: string; key: string }) =>
  db
    .selectFrom("conversations")
    .selectAll()
    .where("owner_id", "=", p.ownerId)
    .where("conversation_key", "=", p.key),
);
const newestUndoOf = precompiledOn((db: Db, p: { ownerId: string; key: string }) =>
  db
    .selectFrom("text_undo")
    .selectAll()
    .where("owner_id", "=", p.ownerId)
    .where("conversation_key", "=", p.key)
    .orderBy("id", "desc")
    .limit(1),
);
const insertUndoRow = precompiledOn((db: Db, r: UndoRow) =>
  db.insertInto("text_undo").values({
    id: r.id,
    owner_id: r.owner_id,
    conversation_key: r.conversation_key,
    kind: r.kind,
    payload: r.payload,
    created_at: r.created_at,
    undone_at: r.undone_at,
  }),
);

const upsertConversation = precompiledOn((db: Db, r: ConversationRow) =>
  db
    .insertInto("conversations")
    .values({
      owner_id: r.owner_id,
      conversation_key: r.conversation_key,
      pending: r.pending,
      last_book_id: r.last_book_id,
      updated_at: r.updated_at,
    })
    .onConflict((oc) =>
      oc.columns(["owner_id", "conversation_key"]).doUpdateSet({
        pending: r.pending,
        last_book_id: r.last_book_id,
        updated_at: r.updated_at,
      }),
    ),
);
// Every reminder remembers the book it asks about, keeping what else the conversation holds.
const upsertLastBook = precompiledOn(
  (db: Db, p: { ownerId: string; key: string; bookId: string; at: string }) =>
    db
      .insertInto("conversations")
      .values({
        owner_id: p.ownerId,
        conversation_key: p.key,
        pending: null,
        last_book_id: p.bookId,
        updated_at: p.at,
      })
      .onConflict((oc) =>
        oc
          .columns(["owner_id", "conversation_key"])
          .doUpdateSet({ last_book_id: p.bookId, updated_at: p.at }),
      ),
);

/** SQL for text conversations and the undo log. Every query filters on owner_id. */
export class TextRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  /** The conversation's state, or undefined before its first message. */
  async conversation(ownerId: string, key: string): Promise<ConversationRow | undefined> {
    return (await conversationOf(this.db, { ownerId, key }))[0];
  }

  /** Creates or replaces the conversation's state. */
  async saveConversation(row: ConversationRow): Promise<void> {
    await upsertConversation(this.db, row);
  }

  /** Sets the book the conversation last spoke of (creating the conversation if needed), in one statement. */
  async saveLastBook(ownerId: string, key: string, bookId: string, at: string): Promise<void> {
    await upsertLastBook(this.db, { ownerId, key, bookId, at });
  }

  async insertUndo(row: UndoRow): Promise<void> {
    await insertUndoRow(this.db, row);
  }

  /** The newest change of the conversation not yet undone. */
  lastUndo(ownerId: string, key: string): Promise<UndoRow | undefined> {
    return this.db
      .selectFrom("text_undo")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("conversation_key", "=", key)
      .where("undone_at", "is", null)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  /** The newest change of the conversation, undone or not. */
  async newestUndo(ownerId: string, key: string): Promise<UndoRow | undefined> {
    return (await newestUndoOf(this.db, { ownerId, key }))[0];
  }

  /** Marks a change undone; false when it already was (a concurrent undo got there first). */
  async markUndone(ownerId: string, id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable("text_undo")
      .set({ undone_at: at })
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .where("undone_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
