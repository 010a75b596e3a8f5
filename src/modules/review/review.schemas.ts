import { type Static, Type } from "@sinclair/typebox";
import { Id, Instant } from "../../platform/http/responses.js";
import type { CardRow } from "./review.repo.js";
import { STATE_NAMES } from "./review.service.js";

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
    kind: Type.Union([Type.Literal("book"), Type.Literal("note"), Type.Literal("highlight")]),
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
    retiredAt: Type.Union([Instant, Type.Null()]),
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
  };
}

export const DueCards = Type.Object({
  today: Day,
  items: Type.Array(Type.Ref("ReviewCard")),
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

export const ReviewSettings = Type.Object({ desiredRetention: Retention }, { additionalProperties: false });
