import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import type { HighlightsService } from "./highlights.service.js";
import { highlightView } from "./note-values.js";
import { CreateHighlightBody, Highlight, HighlightsQuery, UpdateHighlightBody } from "./notes.schemas.js";
import type { HighlightCards } from "./review-cards.js";

const owns = { owns: "highlight" };
const tags = ["highlights"];

/** Highlights: the quote, its note, colour, tags and location. */
export const highlightsRoutes: FastifyPluginAsyncTypebox<{
  highlights: HighlightsService;
  cards: HighlightCards;
}> = async (app, { highlights, cards }) => {
  app.post(
    "/api/highlights/:id/card",
    {
      config: owns,
      schema: {
        tags,
        summary: "Turn a highlight into a review card",
        description:
          "The card asks the quote back in the daily review (first due tomorrow); asking again returns the " +
          "same card. The highlight must be on one of your books.",
        params: IdParams,
        response: {
          200: Type.Object({ cardId: Type.String(), prompt: Type.String(), dueOn: Type.String() }),
          ...problems(...AUTHED, 404),
        },
      },
    },
    async (request) => {
      const card = await cards.ensure(actorOf(request), request.params.id);
      return { cardId: card.id, prompt: card.prompt, dueOn: card.due_on };
    },
  );

  app.get(
    "/api/highlights",
    {
      schema: {
        tags,
        summary: "Your highlights, newest first",
        description: "Filter by book, tag, colour or source (kindle, readwise, …).",
        querystring: HighlightsQuery,
        response: { 200: Page(Highlight), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filters } = request.query;
      const rows = await highlights.list(actorOf(request), {
        limit,
        cursor: decodeCursor(cursor),
        ...filters,
      });
      return toPage(rows, limit, (r) => r.id, highlightView);
    },
  );

  app.post(
    "/api/highlights",
    {
      schema: {
        tags,
        summary: "Keep a highlight",
        description:
          "The quoted `text`, optionally on one of your books, with a note, colour, tags and a `location` " +
          "keeping whatever you have: page, Kindle location range, percent, chapter, or for web text a quote " +
          "selector (exact + prefix/suffix) and character position.",
        body: CreateHighlightBody,
        response: { 201: Highlight, ...problems(...AUTHED) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(highlightView(await highlights.create(actorOf(request), request.body))),
  );

  app.get(
    "/api/highlights/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "One highlight",
        params: IdParams,
        response: { 200: Highlight, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => highlightView(await highlights.get(actorOf(request), request.params.id)),
  );

  app.patch(
    "/api/highlights/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Change a highlight's note, colour, tags, location or quote",
        description:
          "Changing the note never touches the quote; a changed quote keeps the earlier one in `history`.",
        params: IdParams,
        body: UpdateHighlightBody,
        response: { 200: Highlight, ...problems(...AUTHED, 404) },
      },
    },
    async (request) =>
      highlightView(await highlights.update(actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    "/api/highlights/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Delete a highlight",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await highlights.remove(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
