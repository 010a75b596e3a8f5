import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Grade } from "ts-fsrs";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import type { HighlightReview } from "./highlight-review.js";
import {
  AnswerBody,
  AnswerResult,
  BookReviewSettings,
  BookReviewSettingsBody,
  DueCards,
  GRADE_NAMES,
  GradeBody,
  GradeResult,
  HighlightPicks,
  IdempotencyKey,
  PatchCardBody,
  ReviewCard,
  ReviewSettings,
  ReviewSettingsBody,
  ReviewStats,
  toCard,
  toPick,
} from "./review.schemas.js";
import type { ReviewService } from "./review.service.js";

const owns = { owns: "reviewCard" };
const tags = ["reviews"];

/** Spaced repetition: the day's due cards, grading, card settings and statistics. */
export const reviewRoutes: FastifyPluginAsyncTypebox<{
  review: ReviewService;
  highlights: HighlightReview;
}> = async (app, { review, highlights }) => {
  app.addSchema(ReviewCard);
  const me = actorOf;

  app.get(
    "/api/reviews/due",
    {
      schema: {
        tags,
        summary: "Cards due today or earlier (in your time zone), oldest first, and today's highlight cards",
        description:
          "Book and note cards are scheduled and graded 1–4. Today's highlight cards are drawn on the first ask of " +
          "the day (ADR 0304) and are the same all day; prompts show the current counts and quotes.",
        response: { 200: DueCards, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const user = me(request);
      const items = await review.present(user.userId, await review.due(user));
      const picks = await highlights.today(user);
      return { today: review.todayOf(user), items: items.map(toCard), highlights: picks.map(toPick) };
    },
  );

  app.get(
    "/api/reviews/highlights",
    {
      schema: {
        tags,
        summary: "Today's highlight cards, in the order drawn, with today's answers",
        response: { 200: HighlightPicks, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const user = me(request);
      return { today: review.todayOf(user), items: (await highlights.today(user)).map(toPick) };
    },
  );

  app.post(
    "/api/reviews/:id/answer",
    {
      config: owns,
      schema: {
        tags,
        summary: "Answer a highlight card: master (never again), soon (more often), later (less often)",
        description:
          "A second answer the same day replaces the first. A book or note card answers 400 (grade it instead); " +
          "a suspended card, or one mastered before today, 409.",
        params: IdParams,
        body: AnswerBody,
        response: { 200: AnswerResult, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => {
      const r = await highlights.answer(me(request), request.params.id, request.body.answer, "api");
      return {
        card: toCard(r.card),
        answer: r.answer.answer,
        localDate: r.answer.local_date,
        replaced: r.replaced,
      };
    },
  );

  app.delete(
    "/api/reviews/:id/answer",
    {
      config: owns,
      schema: {
        tags,
        summary: "Take back today's answer to a highlight card",
        description:
          "The card's weight and retirement as they were before it; 409 when it has no answer today.",
        params: IdParams,
        response: { 200: Type.Ref("ReviewCard"), ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => toCard(await highlights.undoAnswer(me(request), request.params.id)),
  );

  app.get(
    "/api/books/:id/review-settings",
    {
      config: { owns: "book" },
      schema: {
        tags,
        summary: "How this book's highlights come to review (its own choice, or yours)",
        params: IdParams,
        response: { 200: BookReviewSettings, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => highlights.bookSetting(me(request), request.params.id),
  );

  app.put(
    "/api/books/:id/review-settings",
    {
      config: { owns: "book" },
      schema: {
        tags,
        summary: "Choose how this book's highlights come to review (null: as your setting says)",
        params: IdParams,
        body: BookReviewSettingsBody,
        response: { 200: BookReviewSettings, ...problems(...AUTHED, 404) },
      },
    },
    async (request) =>
      highlights.saveBookSetting(me(request), request.params.id, request.body.highlightCards),
  );

  app.post(
    "/api/reviews/:id/grade",
    {
      config: owns,
      schema: {
        tags,
        summary: "Grade a due card: 1 again, 2 hard, 3 good, 4 easy",
        description:
          "Schedules the card's next review with FSRS (whole days, your desired retention). A card that is " +
          "not due, suspended or retired answers 409. Replaying an idempotency key answers the first review.",
        params: IdParams,
        body: GradeBody,
        headers: Type.Object({
          "idempotency-key": Type.Optional(IdempotencyKey),
        }),
        response: { 200: GradeResult, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => {
      const { grade, idempotencyKey } = request.body;
      const g: Grade = typeof grade === "number" ? grade : GRADE_NAMES[grade];
      const key = idempotencyKey ?? request.headers["idempotency-key"];
      const r = await review.grade(me(request), request.params.id, g, {
        source: "api",
        ...(key ? { idempotencyKey: key } : {}),
      });
      return {
        card: toCard(r.card),
        review: {
          id: r.log.id,
          grade: r.log.grade,
          reviewedAt: r.log.reviewed_at,
          localDate: r.log.local_date,
          scheduledDays: r.log.scheduled_days,
        },
        replayed: r.replayed,
      };
    },
  );

  app.get(
    "/api/reviews/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "One review card",
        params: IdParams,
        response: { 200: Type.Ref("ReviewCard"), ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      const user = me(request);
      const [card] = await review.present(user.userId, [await review.card(user, request.params.id)]);
      return toCard(card!);
    },
  );

  app.patch(
    "/api/reviews/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Suspend or unsuspend, retire, or set the card's own desired retention",
        params: IdParams,
        body: PatchCardBody,
        response: { 200: Type.Ref("ReviewCard"), ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toCard(await review.update(me(request), request.params.id, request.body)),
  );

  app.get(
    "/api/reviews/stats",
    {
      schema: {
        tags,
        summary:
          "Reviews per day (last 30 days), retention (share good or easy), cards due in the next 7 days",
        response: { 200: ReviewStats, ...problems(...AUTHED) },
      },
    },
    async (request) => review.stats(me(request)),
  );

  app.get(
    "/api/reviews/settings",
    {
      schema: {
        tags,
        summary: "Your desired retention, how highlights come to review, and how many a day",
        response: { 200: ReviewSettings, ...problems(...AUTHED) },
      },
    },
    async (request) => review.settings(me(request)),
  );

  app.put(
    "/api/reviews/settings",
    {
      schema: {
        tags,
        summary: "Change your review settings (the fields given; the others kept)",
        description:
          "desiredRetention (default 0.9) applies from each card's next review. highlightCards (default highlight) " +
          "applies to every book without its own choice; dailyHighlights (default 5) from tomorrow's draw.",
        body: ReviewSettingsBody,
        response: { 200: ReviewSettings, ...problems(...AUTHED) },
      },
    },
    async (request) => highlights.saveSettings(me(request), request.body),
  );
};
