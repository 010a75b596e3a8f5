import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Grade } from "ts-fsrs";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import {
  DueCards,
  GRADE_NAMES,
  GradeBody,
  GradeResult,
  IdempotencyKey,
  PatchCardBody,
  ReviewCard,
  ReviewSettings,
  ReviewStats,
  toCard,
} from "./review.schemas.js";
import type { ReviewService } from "./review.service.js";

const owns = { owns: "reviewCard" };
const tags = ["reviews"];

/** Spaced repetition: the day's due cards, grading, card settings and statistics. */
export const reviewRoutes: FastifyPluginAsyncTypebox<{ review: ReviewService }> = async (app, { review }) => {
  app.addSchema(ReviewCard);
  const me = actorOf;

  app.get(
    "/api/reviews/due",
    {
      schema: {
        tags,
        summary: "Cards due today or earlier (in your time zone), oldest first",
        response: { 200: DueCards, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const user = me(request);
      const items = await review.due(user);
      return { today: review.todayOf(user), items: items.map(toCard) };
    },
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
    async (request) => toCard(await review.card(me(request), request.params.id)),
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
        summary: "Your desired retention",
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
        summary: "Set your desired retention (default 0.9); applies from each card's next review",
        body: ReviewSettings,
        response: { 200: ReviewSettings, ...problems(...AUTHED) },
      },
    },
    async (request) => review.saveSettings(me(request), request.body.desiredRetention),
  );
};
