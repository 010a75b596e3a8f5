import { Type } from "@sinclair/typebox";
import type { ExpressionBuilder, Kysely } from "kysely";
import { Instant as At, Id } from "../../platform/http/responses.js";
import { type ExportedTable, orNull, exportRow as row } from "../../platform/portability/exported-table.js";
import { LocalDateSchema } from "../books/books.schemas.js";
import { TEXT_CHANNELS } from "../text/text.tables.js";
import { ClubDescription, ClubName, MessageBody, Reading } from "./clubs.schemas.js";
import { CHAT_DELIVERIES } from "./clubs.tables.js";

// biome-ignore lint/suspicious/noExplicitAny: queries of this module's own tables, for the generic export
type AnyDb = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type Eb = ExpressionBuilder<any, any>;

/** The clubs `ownerId` owns now (the owner role, which can be handed over: not who created it). */
const ownedClubs = (eb: Eb, ownerId: string) =>
  eb
    .selectFrom("club_members as o")
    .select("o.club_id")
    .where("o.user_id", "=", ownerId)
    .where("o.role", "=", "owner");

/** The owner's messages that the export holds: those they wrote, not deleted, in the clubs they own. */
const ownMessages = (eb: Eb, ownerId: string) =>
  eb
    .selectFrom("club_messages as p")
    .select("p.id")
    .where("p.author_id", "=", ownerId)
    .where("p.deleted_at", "is", null)
    .where("p.club_id", "in", ownedClubs(eb, ownerId));

/**
 * Clubs in the full export: the clubs a user owns (name, description, book and schedule), their own
 * membership of each (settings), and the messages they wrote there. Restored, each is a club of the
 * restoring account with them as its only member. Not exported, because they are other people's or would
 * let a document join the account to a club: other members and their messages, memberships of clubs owned
 * by others, invitations (secrets, addresses), reactions and mentions (they name other accounts); a reply
 * to another member's message is kept as a plain message.
 */
export const CLUBS_EXPORT: readonly ExportedTable[] = [
  {
    key: "clubs",
    table: "clubs",
    orderBy: ["id"],
    row: row({
      id: Id,
      name: ClubName,
      description: ClubDescription,
      bookTitle: orNull(Reading.properties.title),
      bookTotalPages: Reading.properties.totalPages,
      startsOn: orNull(LocalDateSchema),
      pagesPerWeek: orNull(Reading.properties.pagesPerWeek),
      createdAt: At,
      updatedAt: At,
    }),
    refs: {},
    ownerColumn: "created_by",
    ownedRows: (db: AnyDb, ownerId) =>
      db
        .selectFrom("clubs")
        .selectAll()
        .where((eb) => eb("id", "in", ownedClubs(eb, ownerId))),
  },
  {
    key: "clubMemberships",
    table: "club_members",
    orderBy: ["club_id"],
    row: row({
      clubId: Id,
      shareProgress: Type.Boolean(),
      bookId: orNull(Id),
      deliverChat: orNull(CHAT_DELIVERIES.schema()),
      joinedAt: At,
    }),
    refs: { clubId: "clubs", bookId: "books" },
    booleans: ["shareProgress"],
    ownerColumn: "user_id",
    ownedRows: (db: AnyDb, ownerId) =>
      db.selectFrom("club_members").selectAll().where("user_id", "=", ownerId).where("role", "=", "owner"),
    // The only member of a restored club owns it; it has no message of others to be read.
    complete: (r) => ({ ...r, role: "owner", last_read_id: null, delivered_at: null }),
  },
  {
    key: "clubMessages",
    table: "club_messages",
    orderBy: ["id"],
    row: row({
      id: Id,
      clubId: Id,
      body: MessageBody,
      replyToId: orNull(Id),
      source: TEXT_CHANNELS.schema(),
      createdAt: At,
      editedAt: orNull(At),
    }),
    refs: { clubId: "clubs", replyToId: "clubMessages" },
    ownerColumn: "author_id",
    ownedRows: (db: AnyDb, ownerId) =>
      db
        .selectFrom("club_messages")
        .select((eb) => [
          "id",
          "club_id",
          "body",
          "source",
          "created_at",
          "edited_at",
          eb
            .case()
            .when("reply_to_id", "in", ownMessages(eb, ownerId))
            .then(eb.ref("reply_to_id"))
            .else(null)
            .end()
            .as("reply_to_id"),
        ])
        .where((eb) => eb("id", "in", ownMessages(eb, ownerId))),
    complete: (r) => ({ ...r, mentions: "[]", deleted_at: null, deleted_by: null }),
  },
];
