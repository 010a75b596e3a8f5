import type { Server } from "node:http";
import type { DomainEvent } from "../../platform/events/event.js";
import { attachOnFirstUse } from "../../platform/http/attach-on-first-use.js";
import { defineModule } from "../../platform/module/module.js";
import type { AuthService } from "../auth/auth.service.js";
import { userChanged } from "../users/users.events.js";
import { RealtimeGateway, SOCKET_IO_PATH } from "./gateway.js";
import { redisAdapter } from "./redis-adapter.js";

/**
 * Live updates over Socket.IO (the `realtime` role): each client's own domain events as they are relayed,
 * with what it missed replayed on reconnection, and the rooms and client events other modules add (club
 * chat). With Redis, rooms span every process (the Socket.IO Redis streams adapter).
 */
export const realtimeModule = defineModule({
  name: "realtime",
  create(ctx, deps: { auth: AuthService; config: { redisUrl: string | null } }) {
    const realtime = new RealtimeGateway({
      auth: deps.auth,
      access: ctx.access,
      events: ctx.events,
      pubsub: ctx.pubsub,
      log: ctx.log,
      refused: ctx.metrics.counter(
        "readlog_realtime_refused_total",
        "Socket connections and events refused (credentials, validation, access, floods, slow readers)",
      ),
    });
    return {
      services: { realtime },
      attachments: [
        {
          role: "realtime",
          // Socket.IO loads on the first request or upgrade of /socket.io/, not at start.
          attach: async (server: Server) => {
            const url = deps.config.redisUrl;
            attachOnFirstUse(server, {
              matches: (path) => path.startsWith(SOCKET_IO_PATH),
              requests: true,
              attach: async () => {
                await realtime.attach(server, url ? await redisAdapter(url) : undefined);
              },
              log: ctx.log,
            });
          },
          close: () => realtime.close(),
        },
      ],
      relayed: [
        // Sessions or tokens changed: sockets whose credential no longer holds are let go.
        {
          event: userChanged.name,
          handle: (e: DomainEvent) => void realtime.recheck((e.payload as { userId: string }).userId),
        },
        { event: "*", handle: (e: DomainEvent) => realtime.deliver(e) },
      ],
    };
  },
});
