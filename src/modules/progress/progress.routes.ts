import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import { Entry, ProgressQuery, RecordBody, Recorded, toEntry } from "./progress.schemas.js";
import type { ProgressService } from "./progress.service.js";

const owns = { owns: "book" };

export const progressRoutes: FastifyPluginAsyncTypebox<{ progress: ProgressService }> = async (
  app,
  { progress },
) => {
  app.get(
    "/api/books/:id/progress",
    {
      config: owns,
      schema: {
        tags: ["progress"],
        summary: "A book's progress entries, newest first (corrections included)",
        params: IdParams,
        querystring: ProgressQuery,
        response: { 200: Page(Entry), ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      const { limit, cursor, readingId } = request.query;
      const rows = await progress.list(actorOf(request), request.params.id, {
        limit,
        cursor: decodeCursor(cursor),
        readingId,
      });
      return toPage(rows, limit, (r) => r.id, toEntry);
    },
  );

  app.post(
    "/api/books/:id/progress",
    {
      config: owns,
      schema: {
        tags: ["progress"],
        summary: "Record the page (or percent) you reached",
        description:
          "The entry's day is today in your time zone (or `date`, to backfill); changing your time zone " +
          "later never moves recorded days. A percent becomes a page when the book's total pages are known. " +
          "A page beyond the total is refused; a page below the last one needs `correction: true`. " +
          "A paused book resumes; a book on any other shelf but reading answers 409.",
        params: IdParams,
        body: RecordBody,
        response: { 201: Recorded, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request, reply) => {
      const r = await progress.record(actorOf(request), request.params.id, request.body);
      return reply.code(201).send({ ...r, entry: toEntry(r.entry) });
    },
  );
};
