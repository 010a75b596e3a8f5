import { type Static, Type } from "@sinclair/typebox";
import { Id, Instant } from "../../platform/http/responses.js";
import { LocalDateSchema } from "../books/books.schemas.js";
import { MAX_MESSAGE_CHARS, MAX_PAGE } from "./chat.service.js";
import type { ClubRow, InviteRow, MemberView, MyClubRow } from "./clubs.repo.js";
import { MAX_INVITE_HOURS, MAX_MEMBERS, scheduleOf } from "./clubs.service.js";
import { CHAT_DELIVERIES, CLUB_ROLES } from "./clubs.tables.js";

export const ClubName = Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" });
export const ClubDescription = Type.Union([Type.String({ maxLength: 2_000 }), Type.Null()]);

export const Reading = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500 }),
    totalPages: Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()]),
    startsOn: LocalDateSchema,
    pagesPerWeek: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      description: "The schedule: target pages per week",
    }),
  },
  { additionalProperties: false, description: "The book the club reads, and its schedule" },
);

export const CreateClubBody = Type.Object(
  {
    name: ClubName,
    description: Type.Optional(ClubDescription),
    reading: Type.Optional(Type.Union([Reading, Type.Null()])),
  },
  { additionalProperties: false },
);
export const UpdateClubBody = Type.Partial(CreateClubBody, { additionalProperties: false, minProperties: 1 });

export const Role = CLUB_ROLES.schema();

const Schedule = Type.Union([
  Type.Object({
    week: Type.Integer({ description: "The week of the schedule today falls in (0 before it starts)" }),
    targetPage: Type.Integer({ description: "Where the schedule says a member should be by the end of it" }),
  }),
  Type.Null(),
]);

export const Club = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  reading: Type.Union([Reading, Type.Null()]),
  schedule: Schedule,
  unread: Type.Optional(Type.Integer({ description: "Messages of others you have not read" })),
  createdAt: Instant,
});

const Member = Type.Object({
  userId: Id,
  name: Type.String(),
  role: Role,
  joinedAt: Instant,
  progress: Type.Union(
    [
      Type.Object({
        page: Type.Union([Type.Integer(), Type.Null()]),
        totalPages: Type.Union([Type.Integer(), Type.Null()]),
      }),
      Type.Null(),
    ],
    {
      description: "Their progress on their copy of the club's book, only if they share it",
    },
  ),
});

export const ClubDetail = Type.Intersect([
  Club,
  Type.Object({
    members: Type.Array(Member, { maxItems: MAX_MEMBERS }),
    me: Type.Object({
      shareProgress: Type.Boolean(),
      bookId: Type.Union([Id, Type.Null()]),
      deliverChat: Type.Union([CHAT_DELIVERIES.schema(), Type.Null()]),
    }),
  }),
]);

export const Clubs = Type.Object({ items: Type.Array(Club, { maxItems: 200 }) });

export const MembershipBody = Type.Object(
  {
    shareProgress: Type.Optional(
      Type.Boolean({ description: "Let the club see your progress on the club's book" }),
    ),
    bookId: Type.Optional(Type.Union([Id, Type.Null()], { description: "Your copy of the club's book" })),
    deliverChat: Type.Optional(
      Type.Union([CHAT_DELIVERIES.schema(), Type.Null()], {
        description:
          "Also send the club's chat to your WhatsApp/Telegram (all linked channels, one, or none)",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MemberBody = Type.Object({ userId: Id }, { additionalProperties: false });
export const RoleBody = Type.Object({ userId: Id, role: Role }, { additionalProperties: false });

const Hours = Type.Integer({ minimum: 1, maximum: MAX_INVITE_HOURS, description: "Hours until it expires" });
export const InviteBody = Type.Union([
  Type.Object(
    { link: Type.Object({ expiresInHours: Hours }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { email: Type.String({ format: "email", maxLength: 320 }), expiresInHours: Type.Optional(Hours) },
    { additionalProperties: false },
  ),
]);

export const Invite = Type.Object({
  id: Id,
  clubId: Id,
  kind: Type.Union([Type.Literal("link"), Type.Literal("account")]),
  email: Type.Union([Type.String(), Type.Null()], {
    description: "Who an account invitation is addressed to (whoever has, or later gets, this email)",
  }),
  userId: Type.Union([Id, Type.Null()], { description: "Who accepted an account invitation" }),
  expiresAt: Type.Union([Instant, Type.Null()]),
  revokedAt: Type.Union([Instant, Type.Null()]),
  uses: Type.Integer(),
  createdAt: Instant,
  clubName: Type.Optional(Type.String()),
  token: Type.Optional(Type.String({ description: "The link's secret: shown once, at creation" })),
});
export const Invites = Type.Object({ items: Type.Array(Invite, { maxItems: 200 }) });
export const AcceptBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const Joined = Type.Object({ clubId: Id });

export const MessageBody = Type.String({ minLength: 1, maxLength: MAX_MESSAGE_CHARS });
export const PostMessageBody = Type.Object(
  {
    body: MessageBody,
    replyToId: Type.Optional(Id),
    mentions: Type.Optional(Type.Array(Id, { maxItems: 50, description: "Members mentioned" })),
  },
  { additionalProperties: false },
);
export const EditMessageBody = Type.Object({ body: MessageBody }, { additionalProperties: false });
export const Emoji = Type.String({ minLength: 1, maxLength: 16, pattern: "^\\S+$" });
export const ReactBody = Type.Object({ emoji: Emoji, add: Type.Boolean() }, { additionalProperties: false });
export const ReadBody = Type.Object({ messageId: Id }, { additionalProperties: false });
export const Unread = Type.Object({ unread: Type.Integer() });
export const HistoryQuery = Type.Object(
  {
    before: Type.Optional(Id),
    after: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
  },
  { additionalProperties: false },
);

export const ChatMessage = Type.Object({
  id: Id,
  clubId: Id,
  authorId: Type.Union([Id, Type.Null()]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  body: Type.String({ description: "Empty once deleted" }),
  replyToId: Type.Union([Id, Type.Null()]),
  mentions: Type.Array(Id, { maxItems: 50 }),
  source: Type.String(),
  createdAt: Instant,
  editedAt: Type.Union([Instant, Type.Null()]),
  deletedAt: Type.Union([Instant, Type.Null()]),
  reactions: Type.Array(
    Type.Object({ emoji: Type.String(), userIds: Type.Array(Id, { maxItems: MAX_MEMBERS }) }),
    {
      maxItems: 20,
    },
  ),
});
export const History = Type.Object({
  items: Type.Array(ChatMessage, { maxItems: MAX_PAGE }),
  more: Type.Boolean(),
});

export function toReading(c: ClubRow): Static<typeof Reading> | null {
  if (!c.book_title || !c.starts_on || !c.pages_per_week) return null;
  return {
    title: c.book_title,
    totalPages: c.book_total_pages,
    startsOn: c.starts_on,
    pagesPerWeek: c.pages_per_week,
  };
}

export function toClub(
  c: ClubRow | MyClubRow,
  role: Static<typeof Role>,
  today: string,
): Static<typeof Club> {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    role,
    reading: toReading(c),
    schedule: scheduleOf(c, today),
    ...("unread" in c ? { unread: Number(c.unread) } : {}),
    createdAt: c.created_at,
  };
}

export function toMember(m: MemberView): Static<typeof Member> {
  return {
    userId: m.user_id,
    name: m.name,
    role: m.role,
    joinedAt: m.joined_at,
    progress: m.share_progress === 1 ? { page: m.page, totalPages: m.total_pages } : null,
  };
}

export function toInvite(i: InviteRow & { club_name?: string }, token?: string): Static<typeof Invite> {
  return {
    id: i.id,
    clubId: i.club_id,
    kind: i.token_hash ? "link" : "account",
    email: i.email,
    userId: i.user_id,
    expiresAt: i.expires_at,
    revokedAt: i.revoked_at,
    uses: i.uses,
    createdAt: i.created_at,
    ...(i.club_name ? { clubName: i.club_name } : {}),
    ...(token ? { token } : {}),
  };
}
