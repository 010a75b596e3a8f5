import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../platform/events/event.js";

const Book = { bookId: Type.Union([Type.String(), Type.Null()]) };

/** Events of a note (aggregate: the note). `note.updated` carries the version the save made. */
export const noteCreated = defineEvent("note.created", Type.Object({ noteId: Type.String(), ...Book }));
export const noteUpdated = defineEvent(
  "note.updated",
  Type.Object({ noteId: Type.String(), ...Book, version: Type.Integer(), savedBy: Type.String() }),
);
export const noteDeleted = defineEvent("note.deleted", Type.Object({ noteId: Type.String(), ...Book }));

/** Events of a highlight (aggregate: the highlight). */
export const highlightCreated = defineEvent(
  "highlight.created",
  Type.Object({ highlightId: Type.String(), ...Book }),
);
export const highlightUpdated = defineEvent(
  "highlight.updated",
  Type.Object({ highlightId: Type.String(), ...Book }),
);
export const highlightDeleted = defineEvent(
  "highlight.deleted",
  Type.Object({ highlightId: Type.String(), ...Book }),
);
