import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, PageQuery, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import type { ChannelsRepo } from "./channels.repo.js";
import { ChannelLinks, CreateLinkBody, LinkCode, Message, toLink, toMessage } from "./channels.schemas.js";
import type { ChannelsService } from "./channels.service.js";

/** Linking WhatsApp/Telegram to an account, and the account's message log. */
export const channelsRoutes: FastifyPluginAsyncTypebox<{
  channels: ChannelsService;
  repo: ChannelsRepo;
}> = async (app, { channels, repo }) => {
  app.post(
    "/api/channels",
    {
      schema: {
        tags: ["channels"],
        summary: "Start linking a WhatsApp number or Telegram chat",
        description:
          "Returns a one-time code (valid 15 minutes, stored hashed). Send `link <code>` from that WhatsApp " +
          "number, or `/start <code>` to the Telegram bot; the link is made when it arrives.",
        body: CreateLinkBody,
        response: { 201: LinkCode, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const code = await channels.createCode(
        actorOf(request),
        body.kind === "whatsapp" ? { kind: "whatsapp", phone: body.phone } : { kind: "telegram" },
      );
      return reply.code(201).send(code);
    },
  );

  app.get(
    "/api/channels",
    {
      schema: {
        tags: ["channels"],
        summary: "Your verified channel links, and which channels this server offers",
        response: { 200: ChannelLinks, ...problems(...AUTHED) },
      },
    },
    async (request) => ({
      items: (await channels.listLinks(actorOf(request))).map(toLink),
      enabled: channels.enabled(),
    }),
  );

  app.delete(
    "/api/channels/:id",
    {
      config: { owns: "channel" },
      schema: {
        tags: ["channels"],
        summary: "Unlink a WhatsApp number or Telegram chat",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await channels.unlink(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/messages",
    {
      schema: {
        tags: ["channels"],
        summary: "Your inbound and outbound messages, newest first",
        description: "Outbound messages show their delivery status and the provider's error, if any.",
        querystring: PageQuery,
        response: { 200: Page(Message), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await repo.listMessages(actorOf(request).userId, limit, decodeCursor(cursor));
      return toPage(rows, limit, (r) => r.id, toMessage);
    },
  );
};
