import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, NoContent, problems } from "../../platform/http/responses.js";
import {
  InvitationParams,
  LinkBody,
  LinkParams,
  NoteLink,
  ShareBody,
  ShareParams,
  Shares,
  toLink,
} from "./collab.schemas.js";
import type { SharesService } from "./shares.service.js";

const tags = ["notes"];
const owns = { owns: "note" };

/** Who a note is shared with (accounts, links): its owner's to decide. Editing itself is over /collab. */
export const collabRoutes: FastifyPluginAsyncTypebox<{ shares: SharesService }> = async (app, { shares }) => {
  app.get(
    "/api/notes/:id/shares",
    {
      config: owns,
      schema: {
        tags,
        summary: "Who the note is shared with: accounts and live links (owner)",
        params: IdParams,
        response: { 200: Shares, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      const { accounts, invitations, links } = await shares.list(actorOf(request), request.params.id);
      return {
        accounts: accounts.map((a) => ({
          userId: a.user_id,
          name: a.name,
          role: a.relation as "editor" | "viewer",
          expiresAt: a.expires_at,
        })),
        invitations: invitations.map((i) => ({
          id: i.id,
          email: i.email,
          role: i.relation as "editor" | "viewer",
          createdAt: i.created_at,
        })),
        links: links.map((l) => toLink(l)),
      };
    },
  );

  app.post(
    "/api/notes/:id/shares",
    {
      config: owns,
      schema: {
        tags,
        summary: "Share the note by email as editor or viewer (owner)",
        description:
          "The share is addressed to the email: whoever has, or later gets, an account with it has the role " +
          "at once, and it is listed under `invitations` until they open the note. The answer is the same " +
          "whether or not an account has the email.",
        params: IdParams,
        body: ShareBody,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await shares.share(actorOf(request), request.params.id, request.body.email, request.body.role);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/api/notes/:id/shares/:userId",
    {
      config: owns,
      schema: {
        tags,
        summary: "Stop sharing the note with an account: its open editors are closed at once (owner)",
        params: ShareParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await shares.unshare(actorOf(request), request.params.id, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/api/notes/:id/invitations/:inviteId",
    {
      config: owns,
      schema: {
        tags,
        summary: "Cancel a share by email not opened yet (owner)",
        params: InvitationParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await shares.cancelInvitation(actorOf(request), request.params.id, request.params.inviteId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/notes/:id/links",
    {
      config: owns,
      schema: {
        tags,
        summary:
          "A link to the note with view or edit rights, expiring or not; its secret is shown once (owner)",
        params: IdParams,
        body: LinkBody,
        response: { 201: NoteLink, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      const { link, token } = await shares.createLink(
        actorOf(request),
        request.params.id,
        request.body.role,
        request.body.expiresInHours ?? null,
      );
      return reply.code(201).send(toLink(link, token));
    },
  );

  app.delete(
    "/api/notes/:id/links/:linkId",
    {
      config: owns,
      schema: {
        tags,
        summary: "Revoke a link: connections opened with it are closed at once (owner)",
        params: LinkParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await shares.revokeLink(actorOf(request), request.params.id, request.params.linkId);
      return reply.code(204).send(null);
    },
  );
};
