import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { LocalDateSchema } from "../books/books.schemas.js";
import { Entry, toEntry } from "../progress/progress.schemas.js";
import type { DaysService } from "./days.service.js";

const Day = Type.Object({
  date: LocalDateSchema,
  pages: Type.Integer({ description: "Pages read that day, all books" }),
  books: Type.Array(
    Type.Object({
      bookId: Type.String(),
      title: Type.String(),
      pages: Type.Integer(),
      entries: Type.Integer(),
    }),
  ),
  entries: Type.Array(Type.Composite([Entry, Type.Object({ title: Type.String() })])),
});

const Calendar = Type.Object({
  from: LocalDateSchema,
  to: LocalDateSchema,
  pages: Type.Integer({ description: "Pages over the whole range" }),
  days: Type.Array(Type.Object({ date: LocalDateSchema, pages: Type.Integer(), entries: Type.Integer() }), {
    description: "Days with entries only, in order",
  }),
});

export const daysRoutes: FastifyPluginAsyncTypebox<{ days: DaysService }> = async (app, { days }) => {
  app.get(
    "/api/days",
    {
      schema: {
        tags: ["days"],
        summary: "Pages per day over a range (a reading calendar)",
        description: "`from` and `to` are local days, inclusive; at most 366 days.",
        querystring: Type.Object(
          { from: Type.String({ maxLength: 10 }), to: Type.String({ maxLength: 10 }) },
          { additionalProperties: false },
        ),
        response: { 200: Calendar, ...problems(...AUTHED) },
      },
    },
    async (request) => days.calendar(actorOf(request), request.query.from, request.query.to),
  );

  app.get(
    "/api/days/:date",
    {
      config: { owns: "self" },
      schema: {
        tags: ["days"],
        summary: "One local day: every entry and the pages read per book",
        params: Type.Object({ date: LocalDateSchema }),
        response: { 200: Day, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const d = await days.day(actorOf(request), request.params.date);
      return { ...d, entries: d.entries.map((e) => ({ ...toEntry(e), title: e.title })) };
    },
  );
};
