import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import { toBook } from "./books.schemas.js";
import { MoveBody, MoveResult, ReadingWithHistory, toChange, toReading } from "./readings.schemas.js";
import type { ReadingsService } from "./readings.service.js";

const owns = { owns: "book" };

export const readingsRoutes: FastifyPluginAsyncTypebox<{ readings: ReadingsService }> = async (
  app,
  { readings },
) => {
  app.post(
    "/api/books/:id/status",
    {
      config: owns,
      schema: {
        tags: ["books"],
        summary: "Move a book to another shelf",
        description:
          "Allowed: wishlist→reading|abandoned, reading→paused|finished|abandoned, " +
          "paused→reading|finished|abandoned, finished→reading and abandoned→reading (both start a new " +
          "read-through; the old one is kept). Any other move answers 409 naming both shelves.",
        params: IdParams,
        body: MoveBody,
        response: { 200: MoveResult, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => {
      const { book, reading } = await readings.move(actorOf(request), request.params.id, {
        status: request.body.status,
        date: request.body.date,
      });
      return { book: toBook(book), reading: toReading(reading) };
    },
  );

  app.get(
    "/api/books/:id/readings",
    {
      config: owns,
      schema: {
        tags: ["books"],
        summary: "A book's read-throughs, oldest first, with their shelf moves",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(ReadingWithHistory) }),
          ...problems(...AUTHED, 404),
        },
      },
    },
    async (request) => {
      const list = await readings.list(actorOf(request), request.params.id);
      return {
        items: list.map((r) => ({
          ...toReading(r.reading),
          current: r.current,
          changes: r.changes.map(toChange),
        })),
      };
    },
  );
};
