import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, PageQuery, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import { toUser, User } from "../users/users.schemas.js";
import {
  CreatedInvite,
  CreateInviteBody,
  CreateUserBody,
  Invite,
  Settings,
  toInvite,
  UpdateUserBody,
} from "./admin.schemas.js";
import type { AdminService } from "./admin.service.js";

const admin = { auth: "admin" as const };

export const adminRoutes: FastifyPluginAsyncTypebox<{ admin: AdminService }> = async (
  app,
  { admin: svc },
) => {
  app.get(
    "/api/admin/users",
    {
      config: admin,
      schema: {
        tags: ["admin"],
        summary: "List users",
        querystring: PageQuery,
        response: { 200: Page(User), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return toPage(
        await svc.listUsers(actorOf(request), limit, decodeCursor(cursor)),
        limit,
        (r) => r.id,
        toUser,
      );
    },
  );

  app.post(
    "/api/admin/users",
    {
      config: admin,
      schema: {
        tags: ["admin"],
        summary: "Create a user",
        body: CreateUserBody,
        response: { 201: User, ...problems(...AUTHED, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toUser(await svc.createUser(actorOf(request), request.body))),
  );

  app.patch(
    "/api/admin/users/:id",
    {
      config: { ...admin, owns: "admin:user" },
      schema: {
        tags: ["admin"],
        summary: "Disable, enable, rename or change the role of a user",
        description: "Disabling ends the user's sessions and revokes their API tokens at once.",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toUser(await svc.updateUser(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    "/api/admin/settings",
    {
      config: admin,
      schema: {
        tags: ["admin"],
        summary: "Server settings",
        response: { 200: Settings, ...problems(...AUTHED) },
      },
    },
    async (request) => ({ registration: await svc.registrationMode(actorOf(request)) }),
  );

  app.put(
    "/api/admin/settings",
    {
      config: admin,
      schema: {
        tags: ["admin"],
        summary: "Change server settings (registration: open, closed or invite)",
        body: Settings,
        response: { 200: Settings, ...problems(...AUTHED) },
      },
    },
    async (request) => ({
      registration: await svc.setRegistrationMode(actorOf(request), request.body.registration),
    }),
  );

  app.get(
    "/api/admin/invites",
    {
      config: admin,
      schema: {
        tags: ["admin"],
        summary: "List invites",
        querystring: PageQuery,
        response: { 200: Page(Invite), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return toPage(
        await svc.listInvites(actorOf(request), limit, decodeCursor(cursor)),
        limit,
        (r) => r.id,
        toInvite,
      );
    },
  );

  app.post(
    "/api/admin/invites",
    {
      config: admin,
      schema: {
        tags: ["admin"],
        summary: "Create a single-use invite code (for invite-only registration)",
        body: CreateInviteBody,
        response: { 201: CreatedInvite, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const { row, code } = await svc.createInvite(actorOf(request), request.body.expiresInDays);
      return reply.code(201).send({ ...toInvite(row), code });
    },
  );

  app.delete(
    "/api/admin/invites/:id",
    {
      config: { ...admin, owns: "admin:invite" },
      schema: {
        tags: ["admin"],
        summary: "Delete an invite",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await svc.deleteInvite(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
