import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import { toLink } from "./link-view.js";
import {
  Link,
  LinkListQuery,
  LinkPage,
  LinkWithContent,
  RefetchBody,
  SaveLinkBody,
  UpdateLinkBody,
} from "./links.schemas.js";
import type { LinksService } from "./links.service.js";
import { LINK_STATUSES } from "./links.tables.js";

const owns = { owns: "link" };
const tags = ["links"];

/** Saved links: save, list, read state, tags, archive, favourite, delete, refetch. */
export const linksRoutes: FastifyPluginAsyncTypebox<{ links: LinksService }> = async (app, { links }) => {
  app.post(
    "/api/links",
    {
      schema: {
        tags,
        summary: "Save a link for later reading",
        description:
          "Saves the URL and queues its fetch, extraction and archiving (watch `status`). The same article " +
          "saved again (tracking parameters such as `utm_*`, `fbclid`, `gclid` aside, or the page's own " +
          "same-site `rel=canonical` / `og:url`) gives the existing entry (200) with the new tags added. " +
          "With `html`, the page as the client has it is extracted instead of fetched (pages behind a login " +
          "or built by script). Only http and https URLs are saved.",
        body: SaveLinkBody,
        response: { 200: Link, 201: Link, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const saved = await links.save(actorOf(request), { ...request.body, source: "api" });
      return reply.code(saved.created ? 201 : 200).send(toLink(saved.link, saved.tags));
    },
  );

  app.get(
    "/api/links",
    {
      schema: {
        tags,
        summary: "Your saved links, newest first",
        description:
          "Filters combine: `unread`, `archived` (archived links are left out unless `archived=true`), " +
          "`favourite`, `tag`, `site` (host without www.), `status`, `q` (words in the title, site or URL).",
        querystring: LinkListQuery,
        response: { 200: LinkPage, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const page = await links.list(actorOf(request), request.query);
      return { items: page.items.map((i) => toLink(i.link, i.tags)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/api/links/status",
    {
      schema: {
        tags,
        summary: "How many of your links are in each pipeline status (an import's progress)",
        response: {
          200: Type.Object(
            Object.fromEntries(LINK_STATUSES.values.map((s) => [s, Type.Integer({ minimum: 0 })])),
          ),
          ...problems(...AUTHED),
        },
      },
    },
    async (request) => {
      const counts = await links.statusCounts(actorOf(request));
      return Object.fromEntries(LINK_STATUSES.values.map((s) => [s, counts[s] ?? 0]));
    },
  );

  app.get(
    "/api/links/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "A saved link with its article (sanitised HTML, images from the archive)",
        params: IdParams,
        response: { 200: LinkWithContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      const found = await links.withContent(actorOf(request), request.params.id);
      return { ...toLink(found.link, found.tags), html: found.html };
    },
  );

  app.patch(
    "/api/links/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Mark read or unread, archive, favourite, set reading progress, tags or the comment",
        params: IdParams,
        body: UpdateLinkBody,
        response: { 200: Link, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      const found = await links.update(actorOf(request), request.params.id, request.body);
      return toLink(found.link, found.tags);
    },
  );

  for (const [path, archived] of [
    ["archive", true],
    ["unarchive", false],
  ] as const)
    app.post(
      `/api/links/:id/${path}`,
      {
        config: owns,
        schema: {
          tags,
          summary: archived ? "Archive a link (it leaves the reading list)" : "Put an archived link back",
          params: IdParams,
          response: { 200: Link, ...problems(...AUTHED, 404) },
        },
      },
      async (request) => {
        const found = await links.update(actorOf(request), request.params.id, { archived });
        return toLink(found.link, found.tags);
      },
    );

  app.post(
    "/api/links/:id/refetch",
    {
      config: owns,
      schema: {
        tags,
        summary: "Run the pipeline again",
        description:
          "Re-extracts from the kept page (after the extractor improved), or fetches the page again with " +
          "`fetch: true` (or when no page is kept). Highlights are re-anchored by the notes module.",
        params: IdParams,
        body: Type.Optional(RefetchBody),
        response: { 202: Link, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      const found = await links.refetch(actorOf(request), request.params.id, request.body ?? {});
      return reply.code(202).send(toLink(found.link, found.tags));
    },
  );

  app.delete(
    "/api/links/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Delete a saved link, its article and its archived images",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await links.remove(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
