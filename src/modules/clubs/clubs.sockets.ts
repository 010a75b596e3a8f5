import { Type } from "@sinclair/typebox";
import { Id } from "../../platform/http/responses.js";
import type { RealtimeGateway } from "../realtime/gateway.js";
import { defineSocketEvent, type RoomKind, type SocketSession } from "../realtime/socket-events.js";
import type { ChatService } from "./chat.service.js";
import { Emoji, MessageBody } from "./clubs.schemas.js";
import { clubRoom } from "./clubs.service.js";

const strict = { additionalProperties: false } as const;

/**
 * The club room (`club:<id>`: joined with `room:join`, checked by `club.read`) and the chat events its
 * members send. Joining answers the history since the client's last message (or the latest page), who is
 * present and the unread count, and tells the room the member is here; typing is passed on, never kept.
 */
export function clubSockets(gateway: RealtimeGateway, chat: ChatService): void {
  const present = async (clubId: string) => {
    const sockets = await gateway.server.in(clubRoom(clubId)).fetchSockets();
    return [...new Set(sockets.map((s) => (s.data as { actor: { userId: string } }).actor.userId))];
  };
  const joined = (session: SocketSession, clubId: string) => {
    gateway.requireJoined(session, clubRoom(clubId));
    return session.actor;
  };

  const room: RoomKind = {
    kind: "club",
    joinAction: "club.read",
    async joined(session, clubId, after) {
      const { actor, socket } = session;
      socket.to(clubRoom(clubId)).emit("club:presence", { clubId, userId: actor.userId, online: true });
      const [history, here, unread] = await Promise.all([
        chat.history(actor, clubId, after ? { after, limit: 100 } : { limit: 50 }),
        present(clubId),
        chat.unread(actor, clubId),
      ]);
      return { history, present: here, unread };
    },
    left({ actor, socket }, clubId) {
      socket.to(clubRoom(clubId)).emit("club:presence", { clubId, userId: actor.userId, online: false });
    },
  };
  gateway.room(room);

  gateway.on(
    defineSocketEvent({
      name: "club:send",
      scope: "write",
      payload: Type.Object(
        {
          clubId: Id,
          body: MessageBody,
          replyToId: Type.Optional(Id),
          mentions: Type.Optional(Type.Array(Id, { maxItems: 50 })),
        },
        strict,
      ),
      handle: (s, p) =>
        chat.post(
          joined(s, p.clubId),
          p.clubId,
          { body: p.body, replyToId: p.replyToId, mentions: p.mentions },
          "web",
        ),
    }),
  );
  gateway.on(
    defineSocketEvent({
      name: "club:edit",
      scope: "write",
      payload: Type.Object({ clubId: Id, messageId: Id, body: MessageBody }, strict),
      handle: (s, p) => chat.edit(joined(s, p.clubId), p.messageId, p.body, p.clubId),
    }),
  );
  gateway.on(
    defineSocketEvent({
      name: "club:delete",
      scope: "write",
      payload: Type.Object({ clubId: Id, messageId: Id }, strict),
      handle: (s, p) => chat.delete(joined(s, p.clubId), p.messageId, p.clubId),
    }),
  );
  gateway.on(
    defineSocketEvent({
      name: "club:react",
      scope: "write",
      payload: Type.Object({ clubId: Id, messageId: Id, emoji: Emoji, add: Type.Boolean() }, strict),
      handle: (s, p) => chat.react(joined(s, p.clubId), p.messageId, p.emoji, p.add, p.clubId),
    }),
  );
  gateway.on(
    defineSocketEvent({
      name: "club:read",
      scope: "write",
      payload: Type.Object({ clubId: Id, messageId: Id }, strict),
      handle: async (s, p) => ({ unread: await chat.markRead(joined(s, p.clubId), p.clubId, p.messageId) }),
    }),
  );
  gateway.on(
    defineSocketEvent({
      name: "club:typing",
      scope: "write",
      payload: Type.Object({ clubId: Id }, strict),
      handle: async (s, p) => {
        const actor = joined(s, p.clubId);
        s.socket.volatile
          .to(clubRoom(p.clubId))
          .emit("club:typing", { clubId: p.clubId, userId: actor.userId });
      },
    }),
  );
}
