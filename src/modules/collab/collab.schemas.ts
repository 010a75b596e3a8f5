import { Type } from "@sinclair/typebox";
import { Id, Instant } from "../../platform/http/responses.js";
import type { LinkRow } from "./collab.repo.js";

/** A link lasts at most a year. */
export const MAX_LINK_HOURS = 24 * 366;

const Relation = Type.Union([Type.Literal("editor"), Type.Literal("viewer")], {
  description: "editor: reads and edits; viewer: reads (a read-only connection)",
});

export const ShareBody = Type.Object(
  { email: Type.String({ format: "email", maxLength: 320 }), role: Relation },
  { additionalProperties: false },
);
export const ShareParams = Type.Object({ id: Id, userId: Id });
export const LinkParams = Type.Object({ id: Id, linkId: Id });
export const InvitationParams = Type.Object({ id: Id, inviteId: Id });

export const LinkBody = Type.Object(
  {
    role: Relation,
    expiresInHours: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: MAX_LINK_HOURS }), Type.Null()], {
        description: "null or absent: until revoked",
      }),
    ),
  },
  { additionalProperties: false },
);

export const NoteLink = Type.Object({
  id: Id,
  noteId: Id,
  role: Relation,
  expiresAt: Type.Union([Instant, Type.Null()]),
  createdAt: Instant,
  token: Type.Optional(
    Type.String({
      maxLength: 200,
      description: "The link's secret (shown once, at creation): open the note with ?link=<token>",
    }),
  ),
});

export const AccountShare = Type.Object({
  userId: Id,
  name: Type.String({ maxLength: 200 }),
  role: Relation,
  expiresAt: Type.Union([Instant, Type.Null()]),
});

export const Invitation = Type.Object({
  id: Id,
  email: Type.String({ maxLength: 320, description: "The email it was shared with, as the owner gave it" }),
  role: Relation,
  createdAt: Instant,
});

export const Shares = Type.Object({
  accounts: Type.Array(AccountShare, {
    maxItems: 200,
    description: "Accounts it is shared with: invitations their account has opened, by name",
  }),
  invitations: Type.Array(Invitation, {
    maxItems: 200,
    description:
      "Shares by email not opened yet: whoever has, or later gets, an account with the email has the role " +
      "(listed alike whether or not an account has it)",
  }),
  links: Type.Array(NoteLink, { maxItems: 200 }),
});

export function toLink(l: LinkRow, token?: string) {
  return {
    id: l.id,
    noteId: l.note_id,
    role: l.relation,
    expiresAt: l.expires_at,
    createdAt: l.created_at,
    ...(token === undefined ? {} : { token }),
  };
}
