import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../platform/events/event.js";

/** A CSV import wrote to the owner's library (aggregate: the owner): subscribers re-read what they keep of it. */
export const libraryImported = defineEvent(
  "library.imported",
  Type.Object({ format: Type.String(), created: Type.Integer(), updated: Type.Integer() }),
);
