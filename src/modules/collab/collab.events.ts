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
