import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../../platform/http/actor.js";
import { AUTHED, Id, problems } from "../../../platform/http/responses.js";
import type { LinksService } from "../links.service.js";
import { READER_CSP, READER_CSS, readerPage, SIZES, THEMES } from "./reader-page.js";

// Pages for the browser, not the API: left out of openapi.json (as the web app's pages are).
const tags = ["reader"];
const hide = true;
const Html = { description: "An HTML page", content: { "text/html": { schema: { type: "string" } } } };

/**
 * The reader view at `/read/{id}`: the cleaned article as a page of its own, served with a policy that
 * runs no script (see READER_CSP), and its images from the archive.
 */
export const readerRoutes: FastifyPluginAsyncTypebox<{ links: LinksService }> = async (app, { links }) => {
  app.get(
    "/read/reader.css",
    {
      config: { auth: "public" },
      schema: { hide, tags, summary: "The reader view's stylesheet", response: { 200: { type: "string" } } },
    },
    async (_request, reply) =>
      reply
        .header("content-type", "text/css; charset=utf-8")
        .header("cache-control", "public, max-age=3600")
        .send(READER_CSS),
  );

  app.get(
    "/read/:id",
    {
      config: { owns: "link" },
      schema: {
        hide,
        tags,
        summary: "The reader view of a saved link (HTML)",
        description:
          "Typography for reading, light/dark (`theme`), four text sizes (`size`), the time left at the " +
          "reading progress. No script runs on this page (CSP `script-src 'none'` and `sandbox`).",
        params: Type.Object({ id: Id }),
        querystring: Type.Object(
          {
            size: Type.Optional(Type.Union(SIZES.map((s) => Type.Literal(s)))),
            theme: Type.Optional(Type.Union(THEMES.map((t) => Type.Literal(t)))),
          },
          { additionalProperties: false },
        ),
        response: { 200: Html, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      const found = await links.withContent(actorOf(request), request.params.id);
      const page = readerPage(found.link, found.html, {
        size: request.query.size ?? "m",
        theme: request.query.theme ?? "auto",
      });
      return reply
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", READER_CSP)
        .header("referrer-policy", "no-referrer")
        .header("cross-origin-opener-policy", "same-origin")
        .send(page);
    },
  );

  app.get(
    "/read/images/:key",
    {
      // Keyed by content: served only to owners of a link that shows the image.
      config: { owns: "self" },
      schema: {
        hide,
        tags,
        summary: "An image of a saved article, from the archive",
        params: Type.Object({ key: Type.String({ pattern: "^[0-9a-f]{64}$", maxLength: 64 }) }),
        response: {
          200: {
            description: "The image",
            content: { "image/*": { schema: { type: "string", format: "binary" } } },
          },
          ...problems(...AUTHED, 404),
        },
      },
    },
    async (request, reply) => {
      const img = await links.image(actorOf(request), request.params.key);
      return reply
        .header("content-type", img.contentType)
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, max-age=31536000, immutable")
        .send(img.bytes);
    },
  );
};
