import { type Static, Type } from "@sinclair/typebox";
import { PageQuery } from "../../platform/http/pagination.js";
import { Instant } from "../../platform/http/responses.js";
import { LOCAL_DATE_PATTERN } from "../../platform/local-date.js";
import type { BookRow } from "./books.repo.js";
import { READING_STATUSES } from "./books.tables.js";

export const StatusSchema = READING_STATUSES.schema({
  description: "The shelf: wishlist, reading, paused, finished or abandoned",
});
// `format: "date"` checks the calendar (2026-02-30 and 9999-99-99 are refused); the pattern keeps it YYYY-MM-DD.
/** Longest review of a read-through, in characters (imports bring reviews; the API keeps them). */
export const REVIEW_MAX = 100_000;

export const LocalDateSchema = Type.String({
  format: "date",
  pattern: LOCAL_DATE_PATTERN,
  maxLength: 10,
  description: "A local day, YYYY-MM-DD",
});

/*
 * The rules of a book's fields, defined once: the API's bodies, the restore document (export.tables.ts)
 * and the CSV imports (imports/import-rules.ts) all use these.
 */
export const TITLE_MAX = 500;
export const AUTHORS_MAX = 20;
export const AUTHOR_MAX = 200;
export const PAGES_MAX = 100_000;
/** A title has a letter, digit or sign, not only spaces (the service trims it). */
export const Title = Type.String({ minLength: 1, maxLength: TITLE_MAX, pattern: "\\S" });
export const Authors = Type.Array(Type.String({ minLength: 1, maxLength: AUTHOR_MAX, pattern: "\\S" }), {
  maxItems: AUTHORS_MAX,
});
const IsbnText = Type.String({ maxLength: 20, description: "Hyphens and spaces are ignored" });
export const TotalPages = Type.Integer({ minimum: 1, maximum: PAGES_MAX });
/** http(s) only: a stored `javascript:` URL would be an XSS for any client that links the cover. */
export const CoverUrl = Type.String({ format: "uri", pattern: "^https?://", maxLength: 2000 });
/** Which service filled a book's fields (openlibrary, goodreads, storygraph…). */
export const MetadataSource = Type.String({ maxLength: 50, pattern: "^[a-z][a-z0-9-]{0,49}$" });

const fields = {
  authors: Type.Optional(Authors),
  isbn: Type.Optional(Type.Union([IsbnText], { description: "An ISBN-10 or ISBN-13" })),
  isbn10: Type.Optional(IsbnText),
  isbn13: Type.Optional(IsbnText),
};

export const CreateBookBody = Type.Object(
  {
    title: Type.Optional(Title),
    ...fields,
    totalPages: Type.Optional(TotalPages),
    coverUrl: Type.Optional(CoverUrl),
    status: Type.Optional(StatusSchema),
    lookup: Type.Optional(
      Type.Boolean({
        description:
          "Fill missing fields from Open Library by ISBN or title. If the lookup fails or takes over 2 s the book is still created.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateBookBody = Type.Object(
  {
    title: Type.Optional(Title),
    ...fields,
    totalPages: Type.Optional(Type.Union([TotalPages, Type.Null()])),
    coverUrl: Type.Optional(Type.Union([CoverUrl, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const BooksQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(StatusSchema),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Part of the title" })),
  },
  { additionalProperties: false },
);

export const Book = Type.Object({
  id: Type.String(),
  title: Type.String(),
  authors: Type.Array(Type.String()),
  isbn10: Type.Union([Type.String(), Type.Null()]),
  isbn13: Type.Union([Type.String(), Type.Null()]),
  totalPages: Type.Union([Type.Integer(), Type.Null()]),
  coverUrl: Type.Union([Type.String(), Type.Null()]),
  metadataSource: Type.Union([Type.String(), Type.Null()]),
  status: StatusSchema,
  currentReadingId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Book = Static<typeof Book>;

export const CreatedBook = Type.Composite([
  Book,
  Type.Object({
    lookup: Type.Union(
      ["found", "not-found", "failed", "skipped"].map((s) => Type.Literal(s)),
      {
        description: "What the metadata lookup did",
      },
    ),
  }),
]);

export function toBook(row: BookRow): Book {
  return {
    id: row.id,
    title: row.title,
    authors: JSON.parse(row.authors) as string[],
    isbn10: row.isbn10,
    isbn13: row.isbn13,
    totalPages: row.total_pages,
    coverUrl: row.cover_url,
    metadataSource: row.metadata_source,
    status: row.status,
    currentReadingId: row.current_reading_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
