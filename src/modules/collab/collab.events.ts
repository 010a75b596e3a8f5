import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../platform/events/event.js";

const Relation = Type.Union([Type.Literal("editor"), Type.Literal("viewer")]);

/** Shares of a note (aggregate: the note): open collab connections are checked again on each. */
export const noteShared = defineEvent(
  "note.shared",
  Type.Object({ noteId: Type.String(), userId: Type.String(), relation: Relation }),
);
export const noteUnshared = defineEvent(
  "note.unshared",
  Type.Object({ noteId: Type.String(), userId: Type.String() }),
);
export const noteLinkCreated = defineEvent(
  "note.link-created",
  Type.Object({ noteId: Type.String(), linkId: Type.String(), relation: Relation }),
);
export const noteLinkRevoked = defineEvent(
  "note.link-revoked",
  Type.Object({ noteId: Type.String(), linkId: Type.String() }),
);
/**
 * An invitation by email was made or changed, or cancelled: its payload is the same whether or not an
 * account has the email (the owner hears these events too).
 */
export const noteInvited = defineEvent(
  "note.invited",
  Type.Object({ noteId: Type.String(), relation: Relation }),
);
export const noteInviteCancelled = defineEvent(
  "note.invite-cancelled",
  Type.Object({ noteId: Type.String() }),
);
