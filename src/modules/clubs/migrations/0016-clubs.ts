import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Book clubs: members with roles, invitations, the book the club reads on a schedule, and its chat.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("clubs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text")
    // The book the club reads, and its schedule: target pages per week from a start date.
    .addColumn("book_title", "text")
    .addColumn("book_total_pages", "integer")
    .addColumn("starts_on", t.date)
    .addColumn("pages_per_week", "integer")
    .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("club_members")
    .addColumn("club_id", "text", (c) => c.notNull().references("clubs.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // owner | moderator | member
    .addColumn("role", "text", (c) => c.notNull())
    // 1: the club sees this member's progress on `book_id` (their own copy of the club's book).
    .addColumn("share_progress", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("book_id", "text", (c) => c.references("books.id").onDelete("set null"))
    // Chat messages delivered to the member's WhatsApp/Telegram: null (off), "all", or one channel kind.
    .addColumn("deliver_chat", "text")
    // The last message the member read (unread counts are the messages after it).
    .addColumn("last_read_id", "text")
    // When a chat message was last delivered to their channels (`club: …` answers the latest club).
    .addColumn("delivered_at", t.instant)
    .addColumn("joined_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("club_members_pk", ["club_id", "user_id"])
    .execute();
  await db.schema.createIndex("club_members_user_idx").on("club_members").columns(["user_id"]).execute();

  await db.schema
    .createTable("club_invites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("club_id", "text", (c) => c.notNull().references("clubs.id").onDelete("cascade"))
    .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("set null"))
    // A link invitation: SHA-256 of its secret (the link itself is shown once). Null for an account's.
    .addColumn("token_hash", "text", (c) => c.unique())
    // An account invitation: the invited user. Null for a link.
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("expires_at", t.instant)
    .addColumn("revoked_at", t.instant)
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("club_invites_club_idx").on("club_invites").columns(["club_id"]).execute();
  await db.schema.createIndex("club_invites_user_idx").on("club_invites").columns(["user_id"]).execute();

  await db.schema
    .createTable("club_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("club_id", "text", (c) => c.notNull().references("clubs.id").onDelete("cascade"))
    .addColumn("author_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("reply_to_id", "text")
    // JSON array of the mentioned members' ids.
    .addColumn("mentions", "text", (c) => c.notNull())
    // Where it was written: web | whatsapp | telegram | api.
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("edited_at", t.instant)
    // A deleted message keeps its place (replies point at it); its body is emptied.
    .addColumn("deleted_at", t.instant)
    .addColumn("deleted_by", "text")
    .execute();
  // History pages and unread counts: one club's messages in id order; the rate limit: one author's recent ones.
  await db.schema
    .createIndex("club_messages_club_idx")
    .on("club_messages")
    .columns(["club_id", "id"])
    .execute();
  await db.schema
    .createIndex("club_messages_author_idx")
    .on("club_messages")
    .columns(["club_id", "author_id", "created_at"])
    .execute();

  await db.schema
    .createTable("club_reactions")
    .addColumn("message_id", "text", (c) => c.notNull().references("club_messages.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("emoji", "text", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addPrimaryKeyConstraint("club_reactions_pk", ["message_id", "user_id", "emoji"])
    .execute();
}
