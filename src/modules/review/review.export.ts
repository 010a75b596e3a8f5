import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import { type ExportedTable, orNull, exportRow as row } from "../../platform/portability/exported-table.js";
import { LocalDateSchema as Day, TITLE_MAX } from "../books/books.schemas.js";
import { SourceSchema } from "../progress/progress.schemas.js";
import { IdempotencyKey, Retention } from "./review.schemas.js";

/** FSRS's longest interval (ts-fsrs maximum_interval), in days. */
const DAYS_MAX = 36_500;

/** Review settings, cards and logs, as the full export writes them. */
export const REVIEW_EXPORT: readonly ExportedTable[] = [
  {
    key: "reviewSettings",
    table: "review_settings",
    // One row per owner.
    orderBy: ["owner_id"],
    row: row({ desiredRetention: Retention, updatedAt: At }),
    refs: {},
  },
  {
    key: "reviewCards",
    table: "review_cards",
    orderBy: ["id"],
    row: row({
      id: Id,
      // Book cards only so far: when note and highlight cards arrive, their subjects need their own refs.
      kind: Type.Literal("book"),
      subjectId: Id,
      bookId: Id,
      prompt: Type.String({ minLength: 1, maxLength: TITLE_MAX + 200 }),
      dueOn: Day,
      dueAt: At,
      stability: Type.Number({ minimum: 0, maximum: 1_000_000 }),
      difficulty: Type.Number({ minimum: 0, maximum: 10 }),
      elapsedDays: Type.Integer({ minimum: 0, maximum: DAYS_MAX * 10 }),
      scheduledDays: Type.Integer({ minimum: 0, maximum: DAYS_MAX }),
      learningSteps: Type.Integer({ minimum: 0, maximum: 100 }),
      reps: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      lapses: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      state: Type.Integer({ minimum: 0, maximum: 3 }),
      lastReview: orNull(At),
      desiredRetention: orNull(Retention),
      suspendedAt: orNull(At),
      retiredAt: orNull(At),
      createdAt: At,
      updatedAt: At,
    }),
    refs: { subjectId: "books", bookId: "books" },
  },
  {
    key: "reviewLogs",
    table: "review_logs",
    orderBy: ["id"],
    row: row({
      id: Id,
      cardId: Id,
      grade: Type.Integer({ minimum: 1, maximum: 4 }),
      state: Type.Integer({ minimum: 0, maximum: 3 }),
      scheduledDays: Type.Integer({ minimum: 0, maximum: DAYS_MAX }),
      reviewedAt: At,
      localDate: Day,
      source: SourceSchema,
      idempotencyKey: IdempotencyKey,
    }),
    refs: { cardId: "reviewCards" },
  },
];
