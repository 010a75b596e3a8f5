import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import { type ExportedTable, orNull, exportRow as row } from "../../platform/portability/exported-table.js";
import {
  Authors,
  CoverUrl,
  LocalDateSchema as Day,
  MetadataSource,
  REVIEW_MAX,
  StatusSchema,
  Title,
  TotalPages,
} from "./books.schemas.js";

const Text = (max: number) => Type.String({ maxLength: max });

/** Books, their read-throughs and shelf moves, as the full export writes them. */
export const BOOKS_EXPORT: readonly ExportedTable[] = [
  {
    key: "books",
    table: "books",
    orderBy: ["id"],
    row: row({
      id: Id,
      title: Title,
      authors: Authors,
      isbn10: orNull(Type.String({ maxLength: 10, pattern: "^\\d{9}[\\dX]$" })),
      isbn13: orNull(Type.String({ maxLength: 13, pattern: "^97[89]\\d{10}$" })),
      totalPages: orNull(TotalPages),
      coverUrl: orNull(CoverUrl),
      metadataSource: orNull(MetadataSource),
      status: StatusSchema,
      currentReadingId: Id,
      createdAt: At,
      updatedAt: At,
    }),
    refs: { currentReadingId: "readings" },
    json: ["authors"],
  },
  {
    key: "readings",
    table: "readings",
    orderBy: ["id"],
    row: row({
      id: Id,
      bookId: Id,
      status: StatusSchema,
      startedOn: orNull(Day),
      finishedOn: orNull(Day),
      rating: orNull(Type.Number({ minimum: 0, maximum: 5 })),
      review: orNull(Text(REVIEW_MAX)),
      createdAt: At,
      updatedAt: At,
    }),
    refs: { bookId: "books" },
  },
  {
    key: "statusChanges",
    table: "status_changes",
    orderBy: ["id"],
    row: row({
      id: Id,
      readingId: Id,
      fromStatus: orNull(StatusSchema),
      toStatus: StatusSchema,
      localDate: Day,
      changedAt: At,
    }),
    refs: { readingId: "readings" },
  },
];
