import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import { Book, BooksQuery, CreateBookBody, CreatedBook, toBook, UpdateBookBody } from "./books.schemas.js";
import type { BooksService } from "./books.service.js";

const owns = { owns: "book" };

export const booksRoutes: FastifyPluginAsyncTypebox<{ books: BooksService }> = async (app, { books }) => {
  app.get(
    "/api/books",
    {
      schema: {
        tags: ["books"],
        summary: "Your books, newest first",
        description: "Filter by shelf with `status` and by part of the title with `q`.",
        querystring: BooksQuery,
        response: { 200: Page(Book), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor, status, q } = request.query;
      const rows = await books.list(actorOf(request), {
        limit,
        cursor: decodeCursor(cursor),
        status,
        q,
      });
      return toPage(rows, limit, (r) => r.id, toBook);
    },
  );

  app.post(
    "/api/books",
    {
      schema: {
        tags: ["books"],
        summary: "Add a book",
        description:
          "ISBNs are validated and normalised (an ISBN-10 is also stored as ISBN-13). The book starts on " +
          "`status` (default wishlist). With `lookup: true` missing fields come from Open Library.",
        body: CreateBookBody,
        response: { 201: CreatedBook, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const { lookup, status, ...fields } = request.body;
      const created = await books.create(actorOf(request), fields, {
        lookup,
        reading: { status: status ?? "wishlist" },
      });
      return reply.code(201).send({ ...toBook(created.book), lookup: created.lookup });
    },
  );

  app.get(
    "/api/books/:id",
    {
      config: owns,
      schema: {
        tags: ["books"],
        summary: "One book",
        params: IdParams,
        response: { 200: Book, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toBook(await books.get(actorOf(request), request.params.id)),
  );

  app.patch(
    "/api/books/:id",
    {
      config: owns,
      schema: {
        tags: ["books"],
        summary: "Change a book's details",
        description: "`null` clears total pages or the cover.",
        params: IdParams,
        body: UpdateBookBody,
        response: { 200: Book, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toBook(await books.update(actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    "/api/books/:id",
    {
      config: owns,
      schema: {
        tags: ["books"],
        summary: "Delete a book and its whole history",
        description: "Its read-throughs, shelf moves and progress entries go with it.",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await books.delete(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
