import { defineModule } from "../../platform/module/module.js";
import type { ChannelsService } from "../channels/channels.service.js";
import type { RealtimeGateway } from "../realtime/gateway.js";
import { ChatRepo } from "./chat.repo.js";
import { ChatService } from "./chat.service.js";
import { chatDelivery } from "./chat-delivery.js";
import { CLUBS_EXPORT } from "./clubs.export.js";
import { clubPolicy } from "./clubs.policy.js";
import { ClubsRepo } from "./clubs.repo.js";
import { clubsRoutes } from "./clubs.routes.js";
import { ClubsService } from "./clubs.service.js";
import { clubSockets } from "./clubs.sockets.js";
import { clubCommands } from "./clubs.text.js";
import * as clubs from "./migrations/0016-clubs.js";
import * as inviteEmail from "./migrations/0019-club-invite-email.js";

/**
 * Book clubs: members and roles, invitations, a book read on a schedule with the progress members share,
 * and the club's chat — over REST, over Socket.IO (the club's room), and from WhatsApp/Telegram.
 */
export const clubsModule = defineModule({
  name: "clubs",
  migrations: { "0016-clubs": clubs, "0019-club-invite-email": inviteEmail },
  create(ctx, deps: { realtime: RealtimeGateway; channels: ChannelsService }) {
    const repo = new ClubsRepo(ctx.uow);
    const chatRepo = new ChatRepo(ctx.uow);
    const rooms = deps.realtime;
    const service = new ClubsService({ uow: ctx.uow, repo, access: ctx.access, clock: ctx.clock, rooms });
    const chat = new ChatService({
      uow: ctx.uow,
      chat: chatRepo,
      clubs: repo,
      access: ctx.access,
      events: ctx.events,
      clock: ctx.clock,
      rooms,
    });
    clubSockets(deps.realtime, chat);
    return {
      services: { clubs: service, chat },
      routes: async (app) => {
        await app.register(clubsRoutes, { clubs: service, chat });
      },
      policies: [clubPolicy(repo)],
      exportTables: CLUBS_EXPORT,
      textCommands: [clubCommands({ chat, repo })],
      subscribers: [
        chatDelivery({
          uow: ctx.uow,
          chat: chatRepo,
          clubs: repo,
          clock: ctx.clock,
          channels: deps.channels,
        }),
      ],
    };
  },
});
