import { Type } from "@sinclair/typebox";
import { Instant } from "../../platform/http/responses.js";
import { Book, LocalDateSchema, StatusSchema } from "./books.schemas.js";
import type { ReadingRow, StatusChangeRow } from "./readings.repo.js";

export const MoveBody = Type.Object(
  {
    status: StatusSchema,
    date: Type.Optional(
      Type.Union([LocalDateSchema], {
        description: "The day of the move (default today in your zone); not in the future",
      }),
    ),
  },
  { additionalProperties: false },
);

const NullableDate = Type.Union([LocalDateSchema, Type.Null()]);

export const StatusChange = Type.Object({
  from: Type.Union([StatusSchema, Type.Null()]),
  to: StatusSchema,
  date: LocalDateSchema,
  changedAt: Instant,
});

export const Reading = Type.Object({
  id: Type.String(),
  bookId: Type.String(),
  status: StatusSchema,
  startedOn: NullableDate,
  finishedOn: NullableDate,
  rating: Type.Union([Type.Number(), Type.Null()]),
  review: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
});

export const ReadingWithHistory = Type.Composite([
  Reading,
  Type.Object({
    current: Type.Boolean({ description: "True for the read-through the book's status belongs to" }),
    changes: Type.Array(StatusChange),
  }),
]);

export const MoveResult = Type.Object({ book: Book, reading: Reading });

export function toReading(r: ReadingRow) {
  return {
    id: r.id,
    bookId: r.book_id,
    status: r.status,
    startedOn: r.started_on,
    finishedOn: r.finished_on,
    rating: r.rating,
    review: r.review,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toChange(c: StatusChangeRow) {
  return { from: c.from_status, to: c.to_status, date: c.local_date, changedAt: c.changed_at };
}
