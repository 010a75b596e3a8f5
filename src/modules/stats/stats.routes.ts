import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { LocalDateSchema } from "../books/books.schemas.js";
import { GoalBooks, GoalPages, GoalYear } from "./goals.schemas.js";
import type { StatsService } from "./stats.service.js";

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableDate = Type.Union([LocalDateSchema, Type.Null()]);

const Goal = Type.Object({
  year: Type.Integer(),
  books: Type.Union([Type.Integer(), Type.Null()], {
    description: "Books to finish that year; null: no goal",
  }),
  pages: Type.Union([Type.Integer(), Type.Null()], { description: "Pages to read that year; null: no goal" }),
  booksDone: Type.Integer(),
  pagesDone: Type.Integer(),
});

const Stats = Type.Object({
  today: LocalDateSchema,
  reading: Type.Array(
    Type.Object({
      bookId: Type.String(),
      title: Type.String(),
      totalPages: NullableInt,
      currentPage: NullableInt,
      percent: Type.Union([Type.Number(), Type.Null()]),
      pagesPerDay: Type.Number({ description: "This book's pages per day over the last 14 days" }),
      projectedFinish: Type.Union([LocalDateSchema, Type.Null()], {
        description: "At that pace; null when unknown (no total pages or no recent pages)",
      }),
    }),
  ),
  pagesPerDay: Type.Object({ last7: Type.Number(), last30: Type.Number() }),
  streak: Type.Object({
    current: Type.Integer({ description: "Consecutive days with pages, ending today (or yesterday)" }),
    longest: Type.Integer(),
    longestEndedOn: NullableDate,
  }),
  finished: Type.Object({
    byMonth: Type.Array(
      Type.Object({ month: Type.String({ description: "YYYY-MM" }), books: Type.Integer() }),
    ),
    byYear: Type.Array(Type.Object({ year: Type.Integer(), books: Type.Integer() })),
  }),
  goal: Goal,
});

const PagesByMonth = Type.Object({
  items: Type.Array(Type.Object({ month: Type.String({ description: "YYYY-MM" }), pages: Type.Integer() }), {
    description: "Months with pages only, in order",
  }),
});

const YearInBooks = Type.Object({
  year: Type.Integer(),
  books: Type.Array(
    Type.Object({
      readingId: Type.String(),
      bookId: Type.String(),
      title: Type.String(),
      authors: Type.Array(Type.String()),
      coverUrl: Type.Union([Type.String(), Type.Null()]),
      totalPages: NullableInt,
      startedOn: NullableDate,
      finishedOn: LocalDateSchema,
      rating: Type.Union([Type.Number(), Type.Null()]),
    }),
    { description: "Read-throughs finished that year, oldest first (a book read twice appears twice)" },
  ),
});

const YearParams = Type.Object({ year: GoalYear });
const GoalBody = Type.Object(
  {
    books: Type.Optional(Type.Union([GoalBooks, Type.Null()])),
    pages: Type.Optional(Type.Union([GoalPages, Type.Null()])),
  },
  { additionalProperties: false },
);

export const statsRoutes: FastifyPluginAsyncTypebox<{ stats: StatsService }> = async (app, { stats }) => {
  app.get(
    "/api/stats",
    {
      schema: {
        tags: ["stats"],
        summary: "Reading statistics",
        description:
          "Current page and percent per book being read with a projected finish day, pages per day (7- and " +
          "30-day averages), streaks of consecutive local days with pages, books finished per month and year, " +
          "and this year's goal. Days are local days in your time zone.",
        response: { 200: Stats, ...problems(...AUTHED) },
      },
    },
    async (request) => stats.stats(actorOf(request)),
  );

  app.get(
    "/api/stats/pages-by-month",
    {
      schema: {
        tags: ["stats"],
        summary: "Pages read per month, over all time",
        description: "Months are of local days in your time zone; months without pages are left out.",
        response: { 200: PagesByMonth, ...problems(...AUTHED) },
      },
    },
    async (request) => stats.pagesByMonth(actorOf(request)),
  );

  app.get(
    "/api/stats/years/:year",
    {
      config: { owns: "self" },
      schema: {
        tags: ["stats"],
        summary: "A year in books: the read-throughs finished that year",
        description: "With each book's title, authors, cover, pages, start and finish days and rating.",
        params: YearParams,
        response: { 200: YearInBooks, ...problems(...AUTHED) },
      },
    },
    async (request) => stats.yearInBooks(actorOf(request), request.params.year),
  );

  app.get(
    "/api/goals/:year",
    {
      config: { owns: "self" },
      schema: {
        tags: ["stats"],
        summary: "A year's reading goal and progress towards it",
        params: YearParams,
        response: { 200: Goal, ...problems(...AUTHED) },
      },
    },
    async (request) => stats.goal(actorOf(request), request.params.year),
  );

  app.put(
    "/api/goals/:year",
    {
      config: { owns: "self" },
      schema: {
        tags: ["stats"],
        summary: "Set a year's reading goal",
        description: "A field left out keeps its value; null removes that goal.",
        params: YearParams,
        body: GoalBody,
        response: { 200: Goal, ...problems(...AUTHED) },
      },
    },
    async (request) => stats.setGoal(actorOf(request), request.params.year, request.body),
  );
};
