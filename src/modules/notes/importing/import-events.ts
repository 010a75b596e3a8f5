import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../../platform/events/event.js";

/** An import wrote highlights and notes (one event per import, not one per entry). Aggregate: the user. */
export const notesImported = defineEvent(
  "notes.imported",
  Type.Object({
    source: Type.String(),
    created: Type.Integer(),
    updated: Type.Integer(),
    /** The books that got highlights or notes (the first 1000). */
    bookIds: Type.Array(Type.String()),
  }),
);
