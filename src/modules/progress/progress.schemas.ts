import { Type } from "@sinclair/typebox";
import { PageQuery } from "../../platform/http/pagination.js";
import { Instant } from "../../platform/http/responses.js";
import { LocalDateSchema, PAGES_MAX, TotalPages } from "../books/books.schemas.js";
import type { EntryRow } from "./progress.repo.js";
import { ENTRY_SOURCES } from "./progress.tables.js";

export const SourceSchema = ENTRY_SOURCES.schema({ description: "Where the entry came from" });

/** The rules of an entry's fields, defined once (the API's body and the restore document use them). */
export const Page = Type.Integer({ minimum: 0, maximum: PAGES_MAX });
export const Percent = Type.Number({ minimum: 0, maximum: 100 });
export const EntryNote = Type.String({ maxLength: 2000 });

export const RecordBody = Type.Object(
  {
    page: Type.Optional(Page),
    percent: Type.Optional(Percent),
    date: Type.Optional(
      Type.Union([LocalDateSchema], {
        description:
          "Backfill a past day (your time zone); default today. Not in the future, nor before the read-through started.",
      }),
    ),
    correction: Type.Optional(
      Type.Boolean({
        description:
          "Allows a page below the last one. The entry supersedes the last entry (kept in the history) and, " +
          "unless `date` is given, belongs to that entry's day.",
      }),
    ),
    totalPages: Type.Optional(
      Type.Union([TotalPages], {
        description: "Sets the book's total pages (not below a page of this read-through still in effect)",
      }),
    ),
    source: Type.Optional(SourceSchema),
    note: Type.Optional(EntryNote),
  },
  { additionalProperties: false },
);

export const Entry = Type.Object({
  id: Type.String(),
  bookId: Type.String(),
  readingId: Type.String(),
  page: Type.Union([Type.Integer(), Type.Null()]),
  percent: Type.Union([Type.Number(), Type.Null()]),
  date: Type.Union([LocalDateSchema], { description: "The local day the entry belongs to" }),
  recordedAt: Instant,
  source: SourceSchema,
  supersedes: Type.Union([Type.String(), Type.Null()], { description: "The entry this one corrects" }),
  pagesDelta: Type.Integer({
    description: "Pages this entry adds to its day (negative for a correction down)",
  }),
  note: Type.Union([Type.String(), Type.Null()]),
});

export const Recorded = Type.Object({
  entry: Entry,
  currentPage: Type.Union([Type.Integer(), Type.Null()]),
  percent: Type.Union([Type.Number(), Type.Null()]),
  totalPages: Type.Union([Type.Integer(), Type.Null()]),
  pagesToday: Type.Integer({ description: "Pages of this book today, in your time zone" }),
  pagesThatDay: Type.Integer({ description: "Pages of this book on the entry's day" }),
});

export const ProgressQuery = Type.Object(
  {
    ...PageQuery.properties,
    readingId: Type.Optional(Type.String({ maxLength: 64, description: "Only this read-through" })),
  },
  { additionalProperties: false },
);

export function toEntry(r: EntryRow) {
  return {
    id: r.id,
    bookId: r.book_id,
    readingId: r.reading_id,
    page: r.page,
    percent: r.percent,
    date: r.local_date,
    recordedAt: r.recorded_at,
    source: r.source,
    supersedes: r.supersedes,
    pagesDelta: r.pages_delta,
    note: r.note,
  };
}
