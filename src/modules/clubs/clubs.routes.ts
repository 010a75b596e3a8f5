import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, NoContent, problems } from "../../platform/http/responses.js";
import type { ChatService } from "./chat.service.js";
import {
  AcceptBody,
  ChatMessage,
  Club,
  ClubDetail,
  Clubs,
  CreateClubBody,
  EditMessageBody,
  History,
  HistoryQuery,
  Invite,
  InviteBody,
  Invites,
  Joined,
  MemberBody,
  MembershipBody,
  PostMessageBody,
  ReactBody,
  ReadBody,
  RoleBody,
  toClub,
  toInvite,
  toMember,
  Unread,
  UpdateClubBody,
} from "./clubs.schemas.js";
import type { ClubsService } from "./clubs.service.js";

const tags = ["clubs"];
const club = { owns: "club" };

/** Book clubs over REST: clubs, members and roles, invitations, and the chat (also over Socket.IO). */
export const clubsRoutes: FastifyPluginAsyncTypebox<{ clubs: ClubsService; chat: ChatService }> = async (
  app,
  { clubs, chat },
) => {
  const me = actorOf;
  const detail = async (actor: ReturnType<typeof me>, id: string) => {
    const { club: c, role, members } = await clubs.get(actor, id);
    const mine = members.find((m) => m.user_id === actor.userId);
    return {
      ...toClub(c, role, clubs.today(actor)),
      unread: await chat.unread(actor, id),
      members: members.map(toMember),
      me: {
        shareProgress: mine?.share_progress === 1,
        bookId: mine?.book_id ?? null,
        deliverChat: mine?.deliver_chat ?? null,
      },
    };
  };

  app.post(
    "/api/clubs",
    {
      schema: {
        tags,
        summary: "Create a book club (you are its owner)",
        body: CreateClubBody,
        response: { 201: Club, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const actor = me(request);
      const c = await clubs.create(actor, request.body);
      return reply.code(201).send(toClub(c, "owner", clubs.today(actor)));
    },
  );

  app.get(
    "/api/clubs",
    {
      schema: {
        tags,
        summary: "Your clubs, with unread counts",
        response: { 200: Clubs, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const actor = me(request);
      const today = clubs.today(actor);
      return { items: (await clubs.list(actor)).map((c) => toClub(c, c.role, today)) };
    },
  );

  app.get(
    "/api/clubs/:id",
    {
      config: club,
      schema: {
        tags,
        summary: "A club: its book and schedule, members (with the progress of those who share it)",
        params: IdParams,
        response: { 200: ClubDetail, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => detail(me(request), request.params.id),
  );

  app.patch(
    "/api/clubs/:id",
    {
      config: club,
      schema: {
        tags,
        summary: "Change a club's name, description or book and schedule (moderators)",
        params: IdParams,
        body: UpdateClubBody,
        response: { 200: ClubDetail, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      await clubs.update(me(request), request.params.id, request.body);
      return detail(me(request), request.params.id);
    },
  );

  app.delete(
    "/api/clubs/:id",
    {
      config: club,
      schema: {
        tags,
        summary: "Delete a club and its chat (its owner)",
        params: IdParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await clubs.remove(me(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    "/api/clubs/:id/membership",
    {
      config: club,
      schema: {
        tags,
        summary: "Your settings in a club: share your progress, your copy of its book, chat delivery",
        params: IdParams,
        body: MembershipBody,
        response: { 200: ClubDetail, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      await clubs.updateMembership(me(request), request.params.id, request.body);
      return detail(me(request), request.params.id);
    },
  );

  app.post(
    "/api/clubs/:id/leave",
    {
      config: club,
      schema: {
        tags,
        summary: "Leave a club (its owner hands it over first)",
        params: IdParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request, reply) => {
      await clubs.leave(me(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/clubs/:id/remove-member",
    {
      config: club,
      schema: {
        tags,
        summary: "Remove a member (moderators remove members; the owner also moderators)",
        params: IdParams,
        body: MemberBody,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await clubs.removeMember(me(request), request.params.id, request.body.userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/clubs/:id/role",
    {
      config: club,
      schema: {
        tags,
        summary: "Make a member moderator or member, or hand the club over (its owner)",
        params: IdParams,
        body: RoleBody,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await clubs.setRole(me(request), request.params.id, request.body.userId, request.body.role);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/clubs/:id/invites",
    {
      config: club,
      schema: {
        tags,
        summary: "Invite by link (expiring; its secret is shown once) or by an account's email (moderators)",
        description:
          "An invitation by email waits for whoever has, or later gets, an account with that email. It is " +
          "made and answered the same way whether or not such an account exists (or is a member already): " +
          "inviting does not tell who has an account here.",
        params: IdParams,
        body: InviteBody,
        response: { 201: Invite, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      const actor = me(request);
      const body = request.body;
      if ("link" in body) {
        const { invite, token } = await clubs.inviteByLink(
          actor,
          request.params.id,
          body.link.expiresInHours,
        );
        return reply.code(201).send(toInvite(invite, token));
      }
      const invite = await clubs.inviteAccount(
        actor,
        request.params.id,
        body.email,
        body.expiresInHours ?? null,
      );
      return reply.code(201).send(toInvite(invite));
    },
  );

  app.get(
    "/api/clubs/:id/invites",
    {
      config: club,
      schema: {
        tags,
        summary: "A club's invitations (moderators)",
        params: IdParams,
        response: { 200: Invites, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => ({
      items: (await clubs.invites(me(request), request.params.id)).map((i) => toInvite(i)),
    }),
  );

  app.get(
    "/api/club-invites",
    {
      schema: {
        tags,
        summary: "Invitations to clubs waiting for you",
        response: { 200: Invites, ...problems(...AUTHED) },
      },
    },
    async (request) => ({ items: (await clubs.invitations(me(request))).map((i) => toInvite(i)) }),
  );

  app.post(
    "/api/club-invites/accept",
    {
      schema: {
        tags,
        summary: "Join a club by an invitation link's secret",
        description: "An expired, revoked or unknown link answers 404 alike.",
        body: AcceptBody,
        response: { 200: Joined, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => ({ clubId: await clubs.acceptLink(me(request), request.body.token) }),
  );

  app.post(
    "/api/club-invites/:id/accept",
    {
      config: { owns: "clubInvitation" },
      schema: {
        tags,
        summary: "Accept an invitation to your account",
        params: IdParams,
        response: { 200: Joined, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => ({ clubId: await clubs.acceptInvite(me(request), request.params.id) }),
  );

  app.delete(
    "/api/club-invites/:id",
    {
      config: { owns: "clubInvite" },
      schema: {
        tags,
        summary: "Revoke an invitation (the club's moderators) or decline one (its invitee)",
        params: IdParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await clubs.revokeInvite(me(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/clubs/:id/messages",
    {
      config: club,
      schema: {
        tags,
        summary: "The club's chat, a page at a time (oldest first)",
        description:
          "`before`: the latest messages before that id; `after`: the first ones after it (catching up).",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: History, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => chat.history(me(request), request.params.id, request.query),
  );

  app.post(
    "/api/clubs/:id/messages",
    {
      config: club,
      schema: {
        tags,
        summary: "Post to the club's chat",
        params: IdParams,
        body: PostMessageBody,
        response: { 201: ChatMessage, ...problems(...AUTHED, 404, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await chat.post(me(request), request.params.id, request.body, "api")),
  );

  app.post(
    "/api/clubs/:id/read",
    {
      config: club,
      schema: {
        tags,
        summary: "Mark the chat read up to a message",
        params: IdParams,
        body: ReadBody,
        response: { 200: Unread, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => ({
      unread: await chat.markRead(me(request), request.params.id, request.body.messageId),
    }),
  );

  app.patch(
    "/api/club-messages/:id",
    {
      config: { owns: "clubMessage" },
      schema: {
        tags,
        summary: "Edit your message",
        params: IdParams,
        body: EditMessageBody,
        response: { 200: ChatMessage, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => chat.edit(me(request), request.params.id, request.body.body),
  );

  app.delete(
    "/api/club-messages/:id",
    {
      config: { owns: "clubMessage" },
      schema: {
        tags,
        summary: "Delete a message (yours; moderators anyone's)",
        params: IdParams,
        response: { 204: NoContent, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await chat.delete(me(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/club-messages/:id/reactions",
    {
      config: { owns: "clubMessage" },
      schema: {
        tags,
        summary: "Add or take back a reaction",
        params: IdParams,
        body: ReactBody,
        response: { 204: NoContent, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request, reply) => {
      await chat.react(me(request), request.params.id, request.body.emoji, request.body.add);
      return reply.code(204).send(null);
    },
  );
};
