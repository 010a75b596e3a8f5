import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, Id, problems } from "../../platform/http/responses.js";
import type { SearchService } from "./search.service.js";

const Day = Type.String({ maxLength: 10, description: "A day YYYY-MM-DD (inclusive)" });

export const SearchQuerystring = Type.Object(
  {
    q: Type.String({
      maxLength: 10_000,
      description:
        'Words (all must match; stems and folded accents match too), "a phrase", prefix*, -excluded; the ' +
        "last word also matches as a prefix. Queries over 1,000 characters or 32 terms are refused (400).",
    }),
    kind: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: "^[a-z]+(,[a-z]+)*$",
        description: "Only these kinds, comma-separated: book, note, highlight, article (saved links)",
      }),
    ),
    bookId: Type.Optional(Id),
    tag: Type.Optional(
      Type.String({
        maxLength: 500,
        description: "Only documents carrying every one of these tags (comma-separated)",
      }),
    ),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const Marked = Type.Object({
  text: Type.String({ description: "Plain text (not HTML): escape it, then wrap the marked ranges" }),
  marks: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), {
    description: "[start, end) ranges of the matches, UTF-16 units, sorted",
  }),
  cutStart: Type.Boolean(),
  cutEnd: Type.Boolean(),
});

export const SearchResults = Type.Object({
  hits: Type.Array(
    Type.Object({
      kind: Type.String(),
      id: Type.String(),
      bookId: Type.Union([Type.String(), Type.Null()]),
      date: Type.Union([Type.String(), Type.Null()]),
      title: Type.Union([Marked, Type.Null()]),
      snippet: Marked,
      score: Type.Number({ description: "Relevance, higher is better (comparable within one list only)" }),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const split = (s: string | undefined) =>
  s
    ?.split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** One search over books, notes and highlights (and what other modules index). */
export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.get(
    "/api/search",
    {
      schema: {
        tags: ["search"],
        summary: "Search your books, notes and highlights",
        description:
          "Ranked hits with the matches marked in the title and a snippet. Accents and case are folded " +
          "(`Cien años` finds `cien anos`), words match their stems in the text's language (English, Spanish, " +
          "French, German, Italian, Portuguese, Dutch, …), Chinese and Japanese text is searchable without " +
          "spaces. Syntax characters are ordinary text: a query never fails with an engine error.",
        querystring: SearchQuerystring,
        response: { 200: SearchResults, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { q, kind, bookId, tag, from, to, limit, cursor } = request.query;
      return search.search(actorOf(request), {
        q,
        kinds: split(kind),
        bookId,
        tags: split(tag),
        from,
        to,
        limit,
        cursor,
      });
    },
  );

  app.post(
    "/api/search/reindex",
    {
      schema: {
        tags: ["search"],
        summary: "Rebuild your part of the search index from your books, notes and highlights",
        response: { 200: Type.Object({ documents: Type.Integer() }), ...problems(...AUTHED) },
      },
    },
    async (request) => ({ documents: await search.reindexMine(actorOf(request)) }),
  );
};
