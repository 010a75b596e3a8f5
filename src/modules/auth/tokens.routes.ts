import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, PageQuery, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import { CreatedToken, CreateTokenBody, Token, toToken } from "./tokens.schemas.js";
import type { TokensService } from "./tokens.service.js";

export const tokensRoutes: FastifyPluginAsyncTypebox<{ tokens: TokensService }> = async (app, { tokens }) => {
  app.get(
    "/api/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "Your API tokens (secrets are never shown again)",
        querystring: PageQuery,
        response: { 200: Page(Token), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await tokens.list(actorOf(request), limit, decodeCursor(cursor));
      return toPage(rows, limit, (r) => r.id, toToken);
    },
  );

  app.post(
    "/api/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "Create an API token",
        description: "Use it as `Authorization: Bearer <token>`. The secret is in this response only.",
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const { row, secret } = await tokens.create(actorOf(request), request.body);
      return reply.code(201).send({ ...toToken(row), token: secret });
    },
  );

  app.delete(
    "/api/tokens/:id",
    {
      config: { owns: "token" },
      schema: {
        tags: ["tokens"],
        summary: "Revoke an API token",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await tokens.revoke(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
