import { type Static, Type } from "@sinclair/typebox";
import { Id, Instant } from "../../platform/http/responses.js";
import { highlightWeight } from "./highlight-draw.js";
import type { CardRow } from "./review.repo.js";
import { STATE_NAMES } from "./review.service.js";
import { HIGHLIGHT_ANSWERS, HIGHLIGHT_CARD_MODES, type HighlightAnswer } from "./review.tables.js";

const Day = Type.String({ format: "date", maxLength: 10, description: "Local day YYYY-MM-DD in your zone" });
export const Retention = Type.Number({
  minimum: 0.7,
  maximum: 0.99,
  description:
    "Desired retention: the chance of still remembering when a card comes due (higher: asked more often)",
});

export const ReviewCard = Type.Object(
  {
    id: Id,
    kind: Type.Union(
      [Type.Literal("book"), Type.Literal("note"), Type.Literal("highlight"), Type.Literal("highlights")],
      {
        description:
          "book and note cards are scheduled (FSRS, graded 1–4); highlight (one highlight) and highlights (a " +
          "book's highlights, a few at a time) are drawn into the daily review by weight, answered master, soon or later",
      },
    ),
    subjectId: Id,
    bookId: Id,
    prompt: Type.String(),
    dueOn: Day,
    dueAt: Instant,
    state: Type.Union(STATE_NAMES.map((s) => Type.Literal(s))),
    reps: Type.Integer(),
    lapses: Type.Integer(),
    stability: Type.Number(),
    difficulty: Type.Number(),
    scheduledDays: Type.Integer({ description: "The interval the last review gave, in days" }),
    lastReview: Type.Union([Instant, Type.Null()]),
    desiredRetention: Type.Union([Type.Number(), Type.Null()], {
      description: "This card's own; null: yours",
    }),
    suspendedAt: Type.Union([Instant, Type.Null()]),
    retiredAt: Type.Union([Instant, Type.Null()], {
      description: "Retired, or for a highlight card mastered",
    }),
    tune: Type.Number({
      description: "Highlight cards: the answers' factor (soon ×2, later ×½, within 1/8–8)",
    }),
    shows: Type.Integer({ description: "Highlight cards: how many days' reviews showed it" }),
    weight: Type.Number({
      description: "Highlight cards: tune / (1 + shows), its chance among its book's highlights",
    }),
    lastShownOn: Type.Union([Day, Type.Null()]),
  },
  { $id: "ReviewCard" },
);

export function toCard(c: CardRow): Static<typeof ReviewCard> {
  return {
    id: c.id,
    kind: c.kind,
    subjectId: c.subject_id,
    bookId: c.book_id,
    prompt: c.prompt,
    dueOn: c.due_on,
    dueAt: c.due_at,
    state: STATE_NAMES[c.state] ?? "new",
    reps: c.reps,
    lapses: c.lapses,
    stability: c.stability,
    difficulty: c.difficulty,
    scheduledDays: c.scheduled_days,
    lastReview: c.last_review,
    desiredRetention: c.desired_retention,
    suspendedAt: c.suspended_at,
    retiredAt: c.retired_at,
    tune: c.tune,
    shows: c.shows,
    weight: highlightWeight(c),
    lastShownOn: c.last_shown_on,
  };
}

export const HighlightCardMode = HIGHLIGHT_CARD_MODES.schema({
  description:
    "highlight: each highlight is its own card; book: one card per book showing a few of its highlights; off: none",
});
export const HighlightAnswerSchema = HIGHLIGHT_ANSWERS.schema({
  description: "master: never again; soon: twice as often; later: half as often",
});

export const HighlightPick = Type.Object({
  card: Type.Ref("ReviewCard"),
  highlightIds: Type.Array(Id, { description: "The highlights it shows today" }),
  answer: Type.Union([HighlightAnswerSchema, Type.Null()], { description: "Today's answer, if any" }),
});

export function toPick(p: { card: CardRow; highlightIds: string[]; answer: HighlightAnswer | null }) {
  return { card: toCard(p.card), highlightIds: p.highlightIds, answer: p.answer };
}

export const HighlightPicks = Type.Object({ today: Day, items: Type.Array(HighlightPick) });

export const AnswerBody = Type.Object({ answer: HighlightAnswerSchema }, { additionalProperties: false });

export const AnswerResult = Type.Object({
  card: Type.Ref("ReviewCard"),
  answer: HighlightAnswerSchema,
  localDate: Day,
  replaced: Type.Union([HighlightAnswerSchema, Type.Null()], {
    description: "The answer given earlier today that this one replaced",
  }),
});

export const BookReviewSettings = Type.Object({
  bookId: Id,
  highlightCards: Type.Union([HighlightCardMode, Type.Null()], {
    description: "The book's own; null: yours",
  }),
  effective: HighlightCardMode,
});

export const BookReviewSettingsBody = Type.Object(
  { highlightCards: Type.Union([HighlightCardMode, Type.Null()], { description: "null: follow yours" }) },
  { additionalProperties: false },
);

export const DueCards = Type.Object({
  today: Day,
  items: Type.Array(Type.Ref("ReviewCard"), { description: "Scheduled (book and note) cards due" }),
  highlights: Type.Array(HighlightPick, { description: "Today's highlight cards, in the order drawn" }),
});

/** A review's idempotency key (the API's body, the header and the restore document). */
export const IdempotencyKey = Type.String({ minLength: 1, maxLength: 200 });

export const GRADE_NAMES = { again: 1, hard: 2, good: 3, easy: 4 } as const;

export const GradeBody = Type.Object(
  {
    grade: Type.Union(
      [
        Type.Integer({ minimum: 1, maximum: 4 }),
        ...Object.keys(GRADE_NAMES).map((g) => Type.Literal(g as keyof typeof GRADE_NAMES)),
      ],
      { description: "1 again, 2 hard, 3 good, 4 easy (or the word)" },
    ),
    idempotencyKey: Type.Optional(
      Type.Union([IdempotencyKey], {
        description:
          "Sending the same key again answers the first review and records nothing (also read from the Idempotency-Key header)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const GradeResult = Type.Object({
  card: Type.Ref("ReviewCard"),
  review: Type.Object({
    id: Id,
    grade: Type.Integer(),
    reviewedAt: Instant,
    localDate: Day,
    scheduledDays: Type.Integer(),
  }),
  replayed: Type.Boolean({
    description: "True when the idempotency key had been used: nothing was recorded",
  }),
});

export const PatchCardBody = Type.Object(
  {
    suspended: Type.Optional(Type.Boolean()),
    retired: Type.Optional(Type.Boolean({ description: "A retired card is never asked again" })),
    desiredRetention: Type.Optional(Type.Union([Retention, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ReviewStats = Type.Object({
  from: Day,
  to: Day,
  reviewsPerDay: Type.Array(Type.Object({ day: Day, reviews: Type.Integer() })),
  reviews: Type.Integer(),
  retention: Type.Union([Type.Number(), Type.Null()], {
    description: "Share of reviews graded good or easy; null without reviews",
  }),
  dueNext7Days: Type.Array(
    Type.Object({ day: Day, cards: Type.Integer() }, { description: "Today's count includes overdue cards" }),
  ),
});

export const DailyHighlights = Type.Integer({
  minimum: 0,
  maximum: 50,
  description: "How many highlight cards the day's review draws (0: none)",
});

export const ReviewSettings = Type.Object(
  { desiredRetention: Retention, highlightCards: HighlightCardMode, dailyHighlights: DailyHighlights },
  { additionalProperties: false },
);

export const ReviewSettingsBody = Type.Partial(ReviewSettings, {
  additionalProperties: false,
  minProperties: 1,
});
