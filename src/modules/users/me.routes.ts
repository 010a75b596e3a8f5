import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { principalOf } from "../auth/auth.hook.js";
import type { AuthService } from "../auth/auth.service.js";
import { Name, Password, TimeZone, toUser, User } from "./users.schemas.js";

export const meRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.get(
    "/api/me",
    {
      schema: {
        tags: ["account"],
        summary: "The authenticated user",
        response: { 200: User, ...problems(...AUTHED) },
      },
    },
    async (request) => toUser(principalOf(request).user),
  );

  app.patch(
    "/api/me",
    {
      schema: {
        tags: ["account"],
        summary: "Change your name or time zone",
        description:
          "The time zone decides which local day new entries belong to; days already recorded keep their date.",
        body: Type.Object(
          { name: Type.Optional(Name), timezone: Type.Optional(TimeZone) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: User, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      return toUser(await auth.updateProfile(principalOf(request), request.body));
    },
  );

  app.post(
    "/api/me/password",
    {
      schema: {
        tags: ["account"],
        summary: "Change your password",
        description: "Every other session of yours ends; this one stays. API tokens are not affected.",
        body: Type.Object(
          { currentPassword: Password, newPassword: Password },
          { additionalProperties: false },
        ),
        response: { 204: { type: "null" }, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      await auth.changePassword(principalOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send();
    },
  );
};
