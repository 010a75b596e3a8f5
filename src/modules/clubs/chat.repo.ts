import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { ClubMessagesTable, ClubsTables } from "./clubs.tables.js";

type Db = Kysely<ClubsTables & { users: { id: string; name: string } }>;

// The statements of posting a message (once per chat message: the fan-out bench's hot path), built and
// compiled once instead of per message.
const insertMessage = precompiledOn((db: Db, p: Insertable<ClubMessagesTable>) =>
  db.insertInto("club_messages").values({
    id: p.id,
    club_id: p.club_id,
    author_id: p.author_id,
    body: p.body,
    reply_to_id: p.reply_to_id,
    mentions: p.mentions,
    source: p.source,
    created_at: p.created_at,
    edited_at: p.edited_at,
    deleted_at: p.deleted_at,
    deleted_by: p.deleted_by,
  }),
);
const beforePostOf = precompiledOn((db: Db, p: { clubId: string; authorId: string; since: string }) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom("club_messages")
      .select(sql<number>`count(*)`.as("n"))
      .where("club_id", "=", p.clubId)
      .where("author_id", "=", p.authorId)
      .where("created_at", ">", p.since)
      .as("recent"),
    eb.selectFrom("users").select("name").where("id", "=", p.authorId).as("author_name"),
    eb
      .exists(
        eb
          .selectFrom("club_members")
          .select(sql`1`.as("x"))
          .where("club_id", "=", p.clubId)
          .where("deliver_chat", "is not", null)
          .where("user_id", "!=", p.authorId),
      )
      .as("phones"),
  ]),
);

export type MessageRow = Selectable<ClubMessagesTable> & { author_name: string | null };
export type ReactionRow = { message_id: string; emoji: string; user_id: string };

/** SQL of club chat: messages, reactions, read marks. */
export class ChatRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  async insert(row: Insertable<ClubMessagesTable>): Promise<void> {
    await insertMessage(this.db, {
      ...row,
      author_id: row.author_id ?? null,
      reply_to_id: row.reply_to_id ?? null,
      edited_at: row.edited_at ?? null,
      deleted_at: row.deleted_at ?? null,
      deleted_by: row.deleted_by ?? null,
    });
  }

  async update(id: string, set: Updateable<ClubMessagesTable>): Promise<void> {
    await this.db.updateTable("club_messages").set(set).where("id", "=", id).execute();
  }

  private select() {
    return this.db
      .selectFrom("club_messages as m")
      .leftJoin("users as u", "u.id", "m.author_id")
      .selectAll("m")
      .select("u.name as author_name");
  }

  byId(id: string): Promise<MessageRow | undefined> {
    return this.select().where("m.id", "=", id).executeTakeFirst();
  }

  /** A page of the club's messages in id order: the latest `limit` before `before`, or the first after `after`. */
  async page(clubId: string, o: { before?: string; after?: string; limit: number }): Promise<MessageRow[]> {
    let q = this.select().where("m.club_id", "=", clubId);
    if (o.after !== undefined) return q.where("m.id", ">", o.after).orderBy("m.id").limit(o.limit).execute();
    if (o.before !== undefined) q = q.where("m.id", "<", o.before);
    return (await q.orderBy("m.id", "desc").limit(o.limit).execute()).reverse();
  }

  /**
   * What posting a message needs to know, in one statement: how many the author wrote in the club since
   * `since` (the rate limit), their name (the message as the room gets it), and whether any other member
   * has the chat delivered to their phone (then the message records an event).
   */
  async beforePost(
    clubId: string,
    authorId: string,
    since: string,
  ): Promise<{ recent: number; authorName: string | null; phones: boolean }> {
    const [r] = await beforePostOf(this.db, { clubId, authorId, since });
    if (!r) throw new Error("beforePost: no row");
    return { recent: Number(r.recent), authorName: r.author_name ?? null, phones: Boolean(r.phones) };
  }

  /** Messages of others after the member's read mark. */
  async unread(clubId: string, userId: string, lastReadId: string | null): Promise<number> {
    let q = this.db
      .selectFrom("club_messages")
      .select(sql<number>`count(*)`.as("n"))
      .where("club_id", "=", clubId)
      .where("deleted_at", "is", null)
      .where((w) => w.or([w("author_id", "is", null), w("author_id", "!=", userId)]));
    if (lastReadId) q = q.where("id", ">", lastReadId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  reactionsOf(messageIds: readonly string[]): Promise<ReactionRow[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom("club_reactions")
      .select(["message_id", "emoji", "user_id"])
      .where("message_id", "in", messageIds)
      .orderBy("created_at")
      .execute();
  }

  async countReactionKinds(messageId: string): Promise<number> {
    const r = await this.db
      .selectFrom("club_reactions")
      .select(sql<number>`count(distinct emoji)`.as("n"))
      .where("message_id", "=", messageId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async addReaction(messageId: string, userId: string, emoji: string, at: string): Promise<void> {
    await this.db
      .insertInto("club_reactions")
      .values({ message_id: messageId, user_id: userId, emoji, created_at: at })
      .onConflict((oc) => oc.columns(["message_id", "user_id", "emoji"]).doNothing())
      .execute();
  }

  async removeReaction(messageId: string, userId: string, emoji: string): Promise<void> {
    await this.db
      .deleteFrom("club_reactions")
      .where("message_id", "=", messageId)
      .where("user_id", "=", userId)
      .where("emoji", "=", emoji)
      .execute();
  }
}
