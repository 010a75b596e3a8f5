import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import { type ExportedTable, orNull, exportRow as row } from "../../platform/portability/exported-table.js";
import { LocalDateSchema as Day, TITLE_MAX } from "../books/books.schemas.js";
import { SourceSchema } from "../progress/progress.schemas.js";
import { TUNE_MAX, TUNE_MIN } from "./highlight-draw.js";
import { DailyHighlights, HighlightCardMode, IdempotencyKey, Retention } from "./review.schemas.js";
import { DEFAULT_DAILY_HIGHLIGHTS, DEFAULT_HIGHLIGHT_CARDS } from "./review.service.js";
import { HIGHLIGHT_ANSWERS } from "./review.tables.js";

const Opt = Type.Optional;

/** FSRS's longest interval (ts-fsrs maximum_interval), in days. */
const DAYS_MAX = 36_500;

/** Review settings, cards and logs, as the full export writes them. */
export const REVIEW_EXPORT: readonly ExportedTable[] = [
  {
    key: "reviewSettings",
    table: "review_settings",
    // One row per owner.
    orderBy: ["owner_id"],
    row: row({
      desiredRetention: Retention,
      // Absent from documents written before highlight cards: the defaults.
      highlightCards: Opt(HighlightCardMode),
      dailyHighlights: Opt(DailyHighlights),
      updatedAt: At,
    }),
    refs: {},
    complete: (r) => ({
      ...r,
      highlight_cards: r.highlight_cards ?? DEFAULT_HIGHLIGHT_CARDS,
      daily_highlights: r.daily_highlights ?? DEFAULT_DAILY_HIGHLIGHTS,
    }),
  },
  {
    key: "reviewBookSettings",
    table: "review_book_settings",
    orderBy: ["book_id"],
    row: row({ bookId: Id, highlightCards: HighlightCardMode, updatedAt: At }),
    refs: { bookId: "books" },
    optional: true, // not in exports written before highlight cards
  },
  {
    key: "reviewCards",
    table: "review_cards",
    orderBy: ["id"],
    row: row({
      id: Id,
      // Note cards do not exist yet (nothing makes them): a document cannot hold one.
      kind: Type.Union([Type.Literal("book"), Type.Literal("highlight"), Type.Literal("highlights")]),
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
      tune: Opt(Type.Number({ minimum: TUNE_MIN, maximum: TUNE_MAX })),
      shows: Opt(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      lastShownOn: Opt(orNull(Day)),
    }),
    refs: { bookId: "books" },
    // A book card's (and a book's highlights card's) subject is the book, a highlight card's the highlight.
    looseRefs: {
      subjectId: (r) => (r.kind === "highlight" ? ["highlights"] : ["books"]),
    },
    complete: (r) => ({
      ...r,
      tune: r.tune ?? 1,
      shows: r.shows ?? 0,
      last_shown_on: r.last_shown_on ?? null,
    }),
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
  {
    key: "reviewShowings",
    table: "review_showings",
    orderBy: ["id"],
    row: row({
      id: Id,
      cardId: Id,
      localDate: Day,
      ord: Type.Integer({ minimum: 0, maximum: 1000 }),
      // The highlights shown that day (kept as they were: a past day's record).
      highlightIds: Type.Array(Id, { maxItems: 100 }),
    }),
    refs: { cardId: "reviewCards" },
    json: ["highlightIds"],
    optional: true,
  },
  {
    key: "reviewAnswers",
    table: "review_answers",
    orderBy: ["id"],
    row: row({
      id: Id,
      cardId: Id,
      localDate: Day,
      answer: HIGHLIGHT_ANSWERS.schema(),
      tuneBefore: Type.Number({ minimum: TUNE_MIN, maximum: TUNE_MAX }),
      retiredBefore: orNull(At),
      answeredAt: At,
      source: SourceSchema,
    }),
    refs: { cardId: "reviewCards" },
    optional: true,
  },
];
