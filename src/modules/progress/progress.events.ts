import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../platform/events/event.js";

/** A progress entry was appended (aggregate: the book). */
export const progressRecorded = defineEvent(
  "progress.recorded",
  Type.Object({
    bookId: Type.String(),
    readingId: Type.String(),
    entryId: Type.String(),
    page: Type.Union([Type.Integer(), Type.Null()]),
    percent: Type.Union([Type.Number(), Type.Null()]),
    date: Type.String(),
    /** True for a correction (the entry supersedes an earlier one). */
    correction: Type.Boolean(),
  }),
);
