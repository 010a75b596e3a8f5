import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf, credentialOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { Name, Password, TimeZone, toUser, User } from "../users/users.schemas.js";
import { profileOf } from "./auth.hook.js";
import type { AuthService } from "./auth.service.js";

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
    async (request) => toUser(profileOf(request)),
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
      return toUser(await auth.updateProfile(actorOf(request), request.body));
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
      await auth.changePassword(
        actorOf(request),
        credentialOf(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.code(204).send();
    },
  );
};
